"""Runs the OpenFisca peer of `onething calc maternity-allowance` (docs/benchmarks.md).

    python run.py batch PARAMS.toml INPUT.jsonl OUTPUT.jsonl
        one simulation over every claim of the file (vectorised), end to end: read the
        JSON Lines, simulate, write one result line per input line, in order;
    python run.py per-claim PARAMS.toml INPUT.jsonl N
        one simulation per claim for the first N claims (what an online review does),
        timed claim by claim after an untimed warm-up pass; prints a JSON summary.
"""

import json
import sys
import time

import numpy
from openfisca_core.simulations import SimulationBuilder

from maternity_tbs import EFFECTIVE_FROM, MaternityTaxBenefitSystem

PERIOD = "2026"


def columns(lines):
    """The claims' facts as the input arrays of the tax-benefit system."""
    rows = [json.loads(line) for line in lines]
    province = [r["region"][:2] + "0000" for r in rows]
    known = numpy.array(["r" + p in EFFECTIVE_FROM for p in province])
    fallback = next(iter(EFFECTIVE_FROM))
    keys = numpy.array(["r" + p if "r" + p in EFFECTIVE_FROM else fallback for p in province])
    return [r["case_id"] for r in rows], {
        "claimant_female": numpy.array([r["claimant_sex"] == "female" for r in rows]),
        "event_type": numpy.array([r["event_type"] for r in rows]),
        "babies": numpy.array([r.get("babies", 1) for r in rows]),
        "pregnancy_weeks": numpy.array([r.get("pregnancy_weeks", 0) for r in rows]),
        "procedure": numpy.array([r.get("procedure", "none") for r in rows]),
        "province_key": keys,
        "region_known": known,
        "event_date": numpy.array([r["event_date"] for r in rows], dtype="datetime64[D]"),
        "wage_fen": numpy.array([r["employer_avg_monthly_wage_fen"] for r in rows]),
        "contribution_months": numpy.array([r["contribution_months"] for r in rows]),
        "insurance_normal": numpy.array([r["insurance_status"] == "normal" for r in rows]),
        "employment_status": numpy.array([r["employment_status"] for r in rows]),
        "scheme_employee": numpy.array([r["scheme"] == "employee" for r in rows]),
        "settled_in_network": numpy.array([r["settled_in_network"] for r in rows]),
    }


def simulate(tbs, inputs, count):
    simulation = SimulationBuilder().build_default_simulation(tbs, count)
    for name, values in inputs.items():
        simulation.set_input(name, PERIOD, values)
    eligible = simulation.calculate("eligible", PERIOD)
    days = simulation.calculate("leave_days", PERIOD) * eligible
    amount = simulation.calculate("amount_fen", PERIOD)
    return eligible, days, amount


def batch(params, source, target):
    tbs = MaternityTaxBenefitSystem(params)
    with open(source) as f:
        ids, inputs = columns(f)
    eligible, days, amount = simulate(tbs, inputs, len(ids))
    with open(target, "w") as out:
        for case_id, e, d, a in zip(ids, eligible.tolist(), days.tolist(), amount.tolist()):
            out.write(
                '{"case_id":"%s","eligible":%s,"leave_days":%d,"amount_fen":%d}\n'
                % (case_id, "true" if e else "false", d, int(a))
            )


def per_claim(params, source, count):
    tbs = MaternityTaxBenefitSystem(params)
    with open(source) as f:
        lines = [next(f) for _ in range(count)]
    # A warm-up pass first (imports, lazy caches), as a review service is warm; then the
    # timed pass, one simulation per claim.
    for line in lines:
        _, inputs = columns([line])
        simulate(tbs, inputs, 1)
    times = []
    for line in lines:
        started = time.perf_counter()
        _, inputs = columns([line])
        simulate(tbs, inputs, 1)
        times.append(time.perf_counter() - started)
    times.sort()
    total = sum(times)
    print(
        json.dumps(
            {
                "claims": len(times),
                "total_us": total * 1e6,
                "mean_us": total / len(times) * 1e6,
                "p50_us": times[len(times) // 2] * 1e6,
                "p99_us": times[min(len(times) - 1, int(len(times) * 0.99))] * 1e6,
            }
        )
    )


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "batch":
        batch(sys.argv[2], sys.argv[3], sys.argv[4])
    elif mode == "per-claim":
        per_claim(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
