"""The one way the benchmark stops on bad input: a message saying what is wrong and what to do."""


class BenchError(Exception):
    """Printed as it is (no traceback); the benchmark exits with status 2."""
