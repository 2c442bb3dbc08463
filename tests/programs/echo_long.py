# A TCP echo server on 127.0.0.1 that runs for DURATION seconds: one client keeps its
# connection and echoes a line every 50-100 ms, and every 5 s a short client connects, echoes
# once and leaves, so the trace keeps growing for as long as the server runs (the hour-long
# run of the README). Prints the count of echoes once a minute.
import asyncio
import random
import sys

DURATION = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0


async def hang_up(writer):
    writer.close()
    await writer.wait_closed()


async def handle_echo(reader, writer):
    async for line in reader:
        writer.write(line)
        await writer.drain()
    await hang_up(writer)


async def chatty_client(port, stop):
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    rng = random.Random(1)
    echoes = 0
    while not stop.is_set():
        writer.write(b'line %d\n' % echoes)
        await writer.drain()
        await reader.readline()
        echoes += 1
        await asyncio.sleep(rng.uniform(0.05, 0.1))
    await hang_up(writer)
    return echoes


async def short_client(port, n):
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    writer.write(b'hello %d\n' % n)
    await writer.drain()
    await reader.readline()
    await hang_up(writer)


async def report(stop):
    minute = 0
    while not stop.is_set():
        await asyncio.sleep(60)
        minute += 1
        print(f'{minute} min', flush=True)


async def main():
    server = await asyncio.start_server(handle_echo, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    async with server:
        chatty = asyncio.create_task(chatty_client(port, stop), name='chatty')
        reporter = asyncio.create_task(report(stop), name='report')
        loop = asyncio.get_running_loop()
        end = loop.time() + DURATION
        n = 0
        while loop.time() < end:
            await asyncio.sleep(min(5, end - loop.time()))
            n += 1
            await asyncio.create_task(short_client(port, n), name=f'short {n}')
        stop.set()
        reporter.cancel()
        echoes = await chatty
        await asyncio.sleep(0.2)  # the server's side of the chatty connection closes too
        print('echoes', echoes, 'short clients', n)


asyncio.run(main())
