#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Plots for docs/benchmarks.md, from the results wizbench wrote.

    plot.py DIR     reads DIR/results.tsv and DIR/samples.tsv, writes DIR/benchmarks/*.png

Called by bench/run.sh; needs python3-matplotlib.
"""
import csv
import os
import statistics
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LABELS = {
    "wiz-timer": "wizfi250d, data_flush = timer",
    "wiz-immediate": "wizfi250d, data_flush = immediate",
    "socat": "socat",
    "ser2net-default": "ser2net, defaults",
    "ser2net-64k": "ser2net, 64 KiB, chardelay off",
}
COLORS = {
    "wiz-timer": "#9ecae1",
    "wiz-immediate": "#08519c",
    "socat": "#e6550d",
    "ser2net-default": "#bdbdbd",
    "ser2net-64k": "#31a354",
}
DPI = 90


def read_tsv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=DPI, pil_kwargs={"optimize": True})
    plt.close(fig)


def cdf(ax, values, **kw):
    v = sorted(values)
    n = len(v)
    ax.step(v, [(i + 1) / n for i in range(n)], where="post", **kw)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    results = read_tsv(os.path.join(out, "results.tsv"))
    samples = read_tsv(os.path.join(out, "samples.tsv"))
    os.makedirs(os.path.join(out, "benchmarks"), exist_ok=True)

    values = defaultdict(list)  # (target, metric) -> per-round values
    for r in results:
        values[(r["target"], r["metric"])].append(float(r["value"]))
    pooled = defaultdict(list)  # (target, kind) -> µs
    for s in samples:
        pooled[(s["target"], s["kind"])].append(float(s["us"]))
    targets = [t for t in LABELS if (t, "tput_s2t_MBps") in values]

    # Throughput: median per direction with the min-max range over rounds.
    directions = [("s2t", "serial → TCP"), ("t2s", "TCP → serial"), ("both", "both at once")]
    fig, ax = plt.subplots(figsize=(9, 3.4))
    width = 0.8 / max(1, len(targets))
    for i, t in enumerate(targets):
        meds, lo, hi = [], [], []
        for d, _ in directions:
            v = values[(t, f"tput_{d}_MBps")]
            m = statistics.median(v)
            meds.append(m)
            lo.append(m - min(v))
            hi.append(max(v) - m)
        xs = [k + (i - (len(targets) - 1) / 2) * width for k in range(len(directions))]
        ax.bar(xs, meds, width * 0.95, yerr=[lo, hi], capsize=2, color=COLORS[t],
               label=LABELS[t], error_kw={"elinewidth": 0.8})
        for x, m, h in zip(xs, meds, hi):
            ax.text(x, m + h, f"{m:.0f}", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(directions)))
    ax.set_xticklabels([name for _, name in directions])
    ax.set_ylabel("MB/s (median, min–max)")
    ax.set_title("Data-mode throughput over a pty and TCP on 127.0.0.1 (higher is better)",
                 fontsize=10)
    ax.legend(fontsize=7, loc="upper left", ncol=2, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    ax.set_ylim(top=ax.get_ylim()[1] * 1.25)
    save(fig, os.path.join(out, "benchmarks", "throughput.png"))

    # Latency: distributions of the 32-byte round trip, and AT vs the raw pty echo loop.
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.4), gridspec_kw={"width_ratios": [3, 2]})
    for t in targets:
        v = pooled.get((t, "lat32"))
        if v:
            cdf(a1, v, color=COLORS[t], label=f"{LABELS[t]} (n={len(v)})", linewidth=1.2)
    a1.set_xscale("log")
    a1.set_xlabel("round trip, µs (log)")
    a1.set_ylabel("fraction of round trips")
    a1.set_title("32 bytes serial → TCP echo → serial", fontsize=10)
    a1.grid(alpha=0.3, which="both")
    a1.legend(fontsize=6.5, loc="lower right", frameon=False)
    for key, label, color in (("wiz-command", "wizfi250d AT\\r → [OK]", "#08519c"),
                              ("pty-echo", "raw pty echo loop", "#636363")):
        v = pooled.get((key, "at"))
        if v:
            cdf(a2, v, color=color, label=f"{label} (n={len(v)})", linewidth=1.2)
    a2.set_xscale("log")
    a2.set_xlabel("round trip, µs (log)")
    a2.set_title("AT\\r → [OK] vs pty echo", fontsize=10)
    a2.grid(alpha=0.3, which="both")
    a2.legend(fontsize=6.5, loc="lower right", frameon=False)
    save(fig, os.path.join(out, "benchmarks", "latency.png"))


if __name__ == "__main__":
    main()
