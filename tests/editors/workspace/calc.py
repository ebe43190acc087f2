"""Arithmetic helpers."""


def average(values):
    total = 0
    for value in values:
        total = total + value
    return total / len(values)


