#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A TLS-terminating TCP proxy for tests: what a load balancer in front of dojangd does.

    tls_proxy.py CERT KEY BACKEND_PORT PORT_FILE

Listens on 127.0.0.1 (a free port, written to PORT_FILE once listening), ends TLS with CERT/KEY
and relays the bytes to 127.0.0.1:BACKEND_PORT.
"""
import asyncio
import ssl
import sys


async def relay(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def main():
    cert, key, backend_port, port_file = sys.argv[1:5]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def serve(client_reader, client_writer):
        try:
            backend_reader, backend_writer = await asyncio.open_connection("127.0.0.1", int(backend_port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(relay(client_reader, backend_writer), relay(backend_reader, client_writer))

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=context)
    with open(port_file + ".tmp", "w") as out:
        out.write(str(server.sockets[0].getsockname()[1]))
    import os
    os.rename(port_file + ".tmp", port_file)
    async with server:
        await server.serve_forever()


asyncio.run(main())
