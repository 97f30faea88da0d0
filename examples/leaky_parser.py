"""A program that leaks, for gcsh: each document and its parser hold each other, a document has a
__del__, and the program turned automatic collection off "for throughput", so no pair is ever freed.

    python examples/leaky_parser.py      parses 200 documents, then opens gcsh on its heap
"""

import gc

import gcsh

gc.disable()  # the cycles below wait for a collection that never comes


class Parser:
    def __init__(self, document):
        self.document = document  # back to its document: a reference cycle
        self.tokens = []

    def parse(self, text):
        self.tokens = text.split()
        return len(self.tokens)


class Document:
    def __init__(self, text):
        self.text = text
        self.parser = Parser(self)

    def __del__(self):  # releases something, say: a finalizer in the cycle
        pass


def serve(requests):
    for i in range(requests):
        document = Document(f"request {i}")
        document.parser.parse(document.text)


def main():
    serve(200)
    gcsh.embed()  # the shell, here, on this program's heap


if __name__ == "__main__":
    main()
