# Real HTTP requests, concurrently, to a local server (httpbin's /delay and /status routes).
# No aiohttp needed: a tiny HTTP/1.1 server and client on asyncio streams.
import asyncio
import json
from http import HTTPStatus

DELAY1 = 1    # loopscope: 0.0..10 seconds the server waits before answering request 1
DELAY2 = 2    # loopscope: 0.0..10 seconds ... request 2
DELAY3 = 1    # loopscope: 0.0..10 seconds ... request 3
STATUS = 404  # loopscope: 100..599 status the fourth URL answers with


# --- the httpbin stand-in: 127.0.0.1, an ephemeral port -----------------------------------

async def handle_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
    request_line = (await reader.readline()).decode()
    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
        pass  # skip the request headers
    path = request_line.split()[1]
    route, _, arg = path.strip("/").partition("/")
    if route == "delay":  # /delay/<seconds>: answer 200 after a while
        await asyncio.sleep(float(arg))
        status, body = 200, json.dumps({"delay": float(arg)}) + "\n"
    elif route == "status":  # /status/<code>: answer with that status at once
        status, body = int(arg), f"{arg}\n"
    else:
        status, body = 404, ""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    writer.write(
        f"HTTP/1.1 {status} {reason}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}".encode()
    )
    await writer.drain()
    writer.close()
    await writer.wait_closed()


# --- the client -----------------------------------------------------------------------------

async def http_get(host: str, port: int, path: str) -> tuple[int, bytes]:
    """GET path, return (status, body)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        while (await reader.readline()) not in (b"\r\n", b"\n", b""):
            pass  # skip the response headers
        body = await reader.read()  # until the server closes the connection
        return status, body
    finally:
        writer.close()
        await writer.wait_closed()


async def fetch_url(host: str, port: int, path: str) -> dict:
    """Fetch a single URL and return response data."""
    try:
        status, body = await http_get(host, port, path)  # [get]
        return {"url": path, "status": status, "content_length": len(body)}
    except Exception as e:
        return {"url": path, "error": str(e)}


async def main():
    server = await asyncio.start_server(handle_request, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    paths = [f"/delay/{DELAY1}", f"/delay/{DELAY2}", f"/delay/{DELAY3}", f"/status/{STATUS}"]
    async with server:
        tasks = [
            asyncio.create_task(fetch_url(host, port, path), name=f"req{i} {path}")
            for i, path in enumerate(paths, 1)
        ]
        results = await asyncio.gather(*tasks)  # [gather]
    for result in results:
        print(result)  # a 404 is an answer, not an error


if __name__ == "__main__":
    asyncio.run(main())
