"""Capacity: each AWS quota the API meets, its headroom at a customer count and plan mix, and
the number of organizations at which it binds (the model: bench/_capacity_model.py; why each
figure: docs/capacity.md). No AWS: arithmetic only.

    python -m bench capacity [--organizations N] [--mix 90,9,1] [--quota-use 1.0] [...]

`--mix` is the share of organizations on professional, enterprise and custom, in percent.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import fields

from ._capacity_model import QUOTAS, Load, first_to_bind, seconds_to_scale

FLAGS = {"organizations": int, "quota_use": float, "peak_factor": float,
         "custom_per_minute": int, "custom_per_day": int, "write_share": float,
         "escrow_share": float, "failing_share": float, "pool_slots": int,
         "stages_in_account": int, "stream_shards": int, "stream_readers": int}


def parse(argv: list[str]) -> Load:
    parser = argparse.ArgumentParser(prog="python -m bench capacity", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = Load()
    for name, kind in FLAGS.items():
        parser.add_argument("--" + name.replace("_", "-"), type=kind,
                            default=getattr(defaults, name))
    parser.add_argument("--mix", default=",".join(f"{100 * s:g}" for s in defaults.mix))
    args = parser.parse_args(argv)
    shares = [float(part) for part in args.mix.split(",")]
    if len(shares) != 3 or any(s < 0 for s in shares) or not sum(shares):
        parser.error("--mix takes three shares: professional,enterprise,custom")
    known = {f.name for f in fields(Load)}
    return Load(**{name: getattr(args, name) for name in FLAGS if name in known},
                mix=tuple(s / sum(shares) for s in shares))  # type: ignore[arg-type]


def report(load: Load) -> list[str]:
    mix = "/".join(f"{100 * s:g}%" for s in load.mix)
    lines = [f"organizations={load.organizations:,} mix(professional/enterprise/custom)={mix} "
             f"quota_use={load.quota_use:g} peak_factor={load.peak_factor:g}",
             f"peak: {load.rps:,.0f} requests/s ({load.org_rps:.4f} per organization), "
             f"{load.events:,.0f} events/s, {load.token_rps:,.1f} tokens/s, "
             f"Lambda concurrency {load.concurrency():,.0f} "
             f"(from cold in {seconds_to_scale(load):.0f} s)", "",
             f"{'quota':44} {'limit':>9} {'use':>11} {'headroom':>9} {'fits up to':>14}  beyond"]
    for quota in QUOTAS:
        fits = quota.fits_up_to(load)
        size = ("per key" if not quota.grows else "never") if fits is None else f"{fits:,}"
        flag = "  OVER" if quota.headroom(load) < 0 else ""
        lines.append(f"{quota.name:44} {quota.limit:>9,g} {quota.use(load):>11,.2f} "
                     f"{quota.headroom(load):>8.0%} {size:>14}  {quota.beyond}{flag}")
    first = first_to_bind(load)
    over_now = [q.name for q in QUOTAS if not q.grows and q.headroom(load) < 0]
    lines.append("")
    if first:
        lines.append(f"first to bind: {first[0].name}, beyond {first[1]:,} organizations")
    if over_now:
        lines.append(f"over at any size: {', '.join(over_now)}")
    return lines


def main(argv: list[str] | None = None) -> None:
    print("\n".join(report(parse(sys.argv[1:] if argv is None else argv))))


if __name__ == "__main__":
    main()
