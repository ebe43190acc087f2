"""Discount rules applied to a cart total."""


def percent_off(total_cents, percent):
    if percent < 0 or percent > 100:
        raise ValueError(f"percent must be between 0 and 100, got {percent}")
    return total_cents - total_cents * percent // 100
