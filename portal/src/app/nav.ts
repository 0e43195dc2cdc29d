// SPDX-License-Identifier: Apache-2.0
// Moving between the applicant's pages (hash routes, see main.ts).
import { restart } from './state';

export function go(route: string): void {
  location.hash = `#/${route}`;
}

export function startOver(): void {
  restart();
  go('');
}
