"""The benchmark's table."""
from dataclasses import dataclass, field
from statistics import median, quantiles


def p95(times):
    return quantiles(times, n=20, method="inclusive")[18]


@dataclass
class Result:
    scenario: str
    http_ms: list
    floor_ms: list
    target_ms: float | None = None
    target_ratio: float | None = None    # HTTP median / floor median
    versus: "Result | None" = field(default=None)  # the same page on a smaller fund
    versus_ratio: float = 1.5

    @property
    def median(self):
        return median(self.http_ms)

    @property
    def ratio(self):
        return self.median / median(self.floor_ms)

    def checks(self):
        """(target text, met) for each target of this scenario."""
        out = []
        if self.target_ms is not None:
            out.append((f"<= {self.target_ms:g} ms", self.median <= self.target_ms))
        if self.target_ratio is not None:
            out.append((f"<= {self.target_ratio:g}x floor", self.ratio <= self.target_ratio))
        if self.versus is not None:
            scale = self.median / self.versus.median
            out.append((f"<= {self.versus_ratio:g}x 1k page (is {scale:.2f}x)",
                        scale <= self.versus_ratio))
        return out


def print_table(results, *, samples):
    header = ("scenario", "median ms", "p95 ms", "floor med ms", "ratio", "target", "")
    rows = []
    for r in results:
        checks = r.checks()
        target = "; ".join(text for text, _ in checks) or "-"
        verdict = ("met" if all(ok for _, ok in checks) else "NOT MET") if checks else ""
        rows.append((r.scenario, f"{r.median:.2f}", f"{p95(r.http_ms):.2f}",
                     f"{median(r.floor_ms):.2f}", f"{r.ratio:.1f}x", target, verdict))
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    print(f"\n{samples} timed requests per scenario after warm-up; HTTP through gunicorn on "
          "loopback; floor = psycopg2 directly, no HTTP")
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(str(cell).ljust(w) if i in (0, 5) else str(cell).rjust(w)
                        for i, (cell, w) in enumerate(zip(row, widths))).rstrip())
