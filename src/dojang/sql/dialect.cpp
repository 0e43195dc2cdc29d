// SPDX-License-Identifier: Apache-2.0
#include "dojang/sql/dialect.hpp"

#include "dojang/sql/migrations.hpp"

namespace dojang::sql {

const Dialect& sqlite_dialect() {
    static const Dialect dialect{
        .name = "sqlite",
        .numbered_placeholders = false,
        .lock_migrations = {},
        .lock_audit_log = {},
        .migrations = sqlite_migrations(),
    };
    return dialect;
}

const Dialect& postgres_dialect() {
    // Advisory lock key: any constant shared by every dojangd node ("dojang" in ASCII).
    static const Dialect dialect{
        .name = "postgres",
        .numbered_placeholders = true,
        .lock_migrations = "SELECT pg_advisory_xact_lock(110429688917607)",
        // Under READ COMMITTED two appenders would read the same last hash; the lock orders
        // them and is held until commit. Readers are not blocked (EXCLUSIVE allows ACCESS SHARE).
        .lock_audit_log = "LOCK TABLE audit_log IN EXCLUSIVE MODE",
        .migrations = postgres_migrations(),
    };
    return dialect;
}

std::string placeholders_for(const Dialect& dialect, std::string_view sql) {
    if (!dialect.numbered_placeholders) {
        return std::string(sql);
    }
    std::string out;
    out.reserve(sql.size() + 16);
    int next = 1;
    char quote = '\0';
    for (const char c : sql) {
        if (quote != '\0') {
            if (c == quote) {
                quote = '\0';
            }
            out.push_back(c);
        } else if (c == '\'' || c == '"') {
            quote = c;
            out.push_back(c);
        } else if (c == '?') {
            out.push_back('$');
            out += std::to_string(next);
            ++next;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace dojang::sql
