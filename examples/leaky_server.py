"""A program that leaks, for gcsh.embed(): every request's handler is kept in a list never pruned.

    python examples/leaky_server.py              opens gcsh on this program's heap
    echo "growth" | python examples/leaky_server.py
"""

import gcsh


class Handler:
    def __init__(self, request):
        self.request = request
        self.callback = self.handle  # a bound method: a cycle, as callbacks often make

    def handle(self):
        return self.request


handlers = []


def serve(request):
    handler = Handler(request)
    handlers.append(handler)  # the leak: registered, never removed
    return handler.handle()


def main():
    for request in range(1000):
        serve(request)
    last = handlers[-1]
    gcsh.embed()  # the shell, here: `last` and `request` are its names


if __name__ == "__main__":
    main()
