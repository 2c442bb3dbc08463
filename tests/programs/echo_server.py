# TCP echo server and clients on 127.0.0.1 (CPython docs, "Streams"): three clients at once,
# each sends a message, the server waits 0.1 s and echoes it back. A client gives up after 5 s:
# a virtual clock that jumped while the I/O is pending would make it time out.
import asyncio

DELAY = 0.1


async def handle_echo(reader, writer):
    data = await reader.read(100)
    message = data.decode()
    await asyncio.sleep(DELAY)
    writer.write(data)
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def tcp_echo_client(message, port):
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    writer.write(message.encode())
    await writer.drain()
    data = await asyncio.wait_for(reader.read(100), timeout=5)
    print(f'Received: {data.decode()!r}')
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle_echo, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        await asyncio.gather(*(tcp_echo_client(f'Hello {n}', port) for n in range(3)))
    print('server closed')


asyncio.run(main())
