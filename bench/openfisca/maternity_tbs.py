"""The maternity-allowance rules as an OpenFisca tax-benefit system, written for the
benchmark only (docs/benchmarks.md, "Rules"): the peer that `onething calc
maternity-allowance` is compared with.

It reads the same parameter file (data/params/maternity.toml) and implements the same
rules (contract.md "Maternity-allowance rules", crates/domain/src/rules/maternity): the
eligibility conditions, the days of leave by event, babies, pregnancy weeks, claimant sex
and family-planning procedure, and amount = round_half_up(wage x days / 30).

Written the way an OpenFisca model is normally written: vectorised formulas over numpy
arrays, parameters read with `parameters(period)` and indexed by each claim's province,
money as OpenFisca's `float` (numpy float32). Two simplifications, stated so the
comparison stays honest: the shipped file has one period per region, so parameters are
read at the simulation's instant and a claim dated before the region's period starts is
refused as NO_RULES_FOR_DATE by a date comparison; and the output carries eligible,
leave_days and amount_fen (no reasons or explanations).
"""

import datetime
import tomllib

import numpy
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

Claim = build_entity(
    key="claim",
    plural="claims",
    label="A maternity-allowance claim",
    is_person=True,
)

# Parameters that are numbers or booleans (the payee is a string: not needed here).
NUMERIC = [
    "base_days",
    "dystocia_extra_days",
    "cesarean_is_dystocia",
    "extra_days_per_additional_baby",
    "regional_extra_days",
    "miscarriage_threshold_weeks",
    "miscarriage_days_under_threshold",
    "miscarriage_days_over_threshold",
    "late_induction_birth_weeks",
    "paternity_days",
    "min_contribution_months",
    "flexible_workers_eligible",
]
PROCEDURES = ["iud_insertion", "iud_removal", "tubal_ligation", "vasectomy"]

# region key ("r500000") -> first effective date, filled by load_parameters
EFFECTIVE_FROM = {}


def load_parameters(toml_path):
    """The TOML regions as an OpenFisca parameter tree: maternity.<rREGION>.<key>."""
    with open(toml_path, "rb") as f:
        doc = tomllib.load(f)
    regions = {}
    for region in doc["regions"]:
        key = "r" + region["code"]
        node = {}
        for period in region["periods"]:
            start = str(period["effective_from"])
            EFFECTIVE_FROM[key] = min(EFFECTIVE_FROM.get(key, start), start)
            values = dict((name, period[name]) for name in NUMERIC)
            for proc in PROCEDURES:
                values["fp_" + proc] = period["family_planning_days"][proc]
            for name, value in values.items():
                if isinstance(value, bool):
                    value = int(value)
                node.setdefault(name, {"values": {}})["values"][start] = {"value": value}
        regions[key] = node
    return ParameterNode("", data={"maternity": regions})


class EventType(Enum):
    vaginal = "vaginal"
    cesarean = "cesarean"
    dystocia = "dystocia"
    miscarriage = "miscarriage"
    induced = "induced"
    family_planning_surgery = "family_planning_surgery"


class Procedure(Enum):
    none = "none"
    iud_insertion = "iud_insertion"
    iud_removal = "iud_removal"
    tubal_ligation = "tubal_ligation"
    vasectomy = "vasectomy"


class EmploymentStatus(Enum):
    employed = "employed"
    unemployed = "unemployed"
    unemployment_benefit = "unemployment_benefit"
    flexible = "flexible"
    retired = "retired"


def input_variable(name, value_type, default=None, enum=None):
    attrs = {
        "value_type": value_type,
        "entity": Claim,
        "definition_period": DateUnit.YEAR,
        "label": name,
    }
    if enum is not None:
        attrs["possible_values"] = enum
        attrs["default_value"] = default
    elif default is not None:
        attrs["default_value"] = default
    return type(name, (Variable,), attrs)


INPUTS = [
    input_variable("claimant_female", bool, True),
    input_variable("event_type", Enum, EventType.vaginal, EventType),
    input_variable("babies", int, 1),
    input_variable("pregnancy_weeks", int, 0),
    input_variable("procedure", Enum, Procedure.none, Procedure),
    input_variable("province_key", str, "r500000"),
    input_variable("region_known", bool, True),
    input_variable("event_date", datetime.date),
    input_variable("wage_fen", float, 0),
    input_variable("contribution_months", int, 0),
    input_variable("insurance_normal", bool, True),
    input_variable("employment_status", Enum, EmploymentStatus.employed, EmploymentStatus),
    input_variable("scheme_employee", bool, True),
    input_variable("settled_in_network", bool, True),
]


class has_rules(Variable):
    value_type = bool
    entity = Claim
    definition_period = DateUnit.YEAR
    label = "The region has a parameter period in force on the event date"

    def formula(claims, period, parameters):
        known = claims("region_known", period)
        key = claims("province_key", period)
        date = claims("event_date", period)
        starts = numpy.full(len(key), numpy.datetime64("9999-12-31"))
        for region, start in EFFECTIVE_FROM.items():
            starts[key == region] = numpy.datetime64(start)
        return known * (date >= starts)


class leave_days(Variable):
    value_type = int
    entity = Claim
    definition_period = DateUnit.YEAR
    label = "Days of leave granted"

    def formula(claims, period, parameters):
        p = parameters(period).maternity[claims("province_key", period)]
        female = claims("claimant_female", period)
        event = claims("event_type", period)
        babies = numpy.maximum(claims("babies", period), 1)
        weeks = claims("pregnancy_weeks", period)
        procedure = claims("procedure", period)
        delivery = (
            (event == EventType.vaginal)
            + (event == EventType.cesarean)
            + (event == EventType.dystocia)
        )
        induced = event == EventType.induced
        late_induction = induced * (weeks >= p.late_induction_birth_weeks)
        birth = delivery + late_induction
        loss = (event == EventType.miscarriage) + induced * not_(late_induction)
        under = loss * (weeks < p.miscarriage_threshold_weeks)
        over = loss * (weeks >= p.miscarriage_threshold_weeks)
        dystocia = (event == EventType.dystocia) + (event == EventType.cesarean) * (
            p.cesarean_is_dystocia > 0
        )
        mother_birth = (
            p.base_days
            + dystocia * p.dystocia_extra_days
            + (babies - 1) * p.extra_days_per_additional_baby
            + p.regional_extra_days
        )
        surgery = numpy.select(
            [procedure == Procedure[name] for name in PROCEDURES],
            [getattr(p, "fp_" + name) for name in PROCEDURES],
            0,
        )
        vasectomy = procedure == Procedure.vasectomy
        fp = event == EventType.family_planning_surgery
        return numpy.select(
            [
                female * birth,
                female * under,
                female * over,
                female * fp * not_(vasectomy),
                not_(female) * birth,
                not_(female) * fp * vasectomy,
            ],
            [
                mother_birth,
                p.miscarriage_days_under_threshold,
                p.miscarriage_days_over_threshold,
                surgery,
                p.paternity_days,
                surgery,
            ],
            0,
        )


class eligible(Variable):
    value_type = bool
    entity = Claim
    definition_period = DateUnit.YEAR
    label = "Every condition of the maternity allowance is met"

    def formula(claims, period, parameters):
        p = parameters(period).maternity[claims("province_key", period)]
        female = claims("claimant_female", period)
        own_event = female + (claims("procedure", period) == Procedure.vasectomy)
        status = claims("employment_status", period)
        flexible_ok = (status != EmploymentStatus.flexible) + (p.flexible_workers_eligible > 0)
        return (
            claims("has_rules", period)
            * claims("scheme_employee", period)
            * claims("insurance_normal", period)
            * (not_(own_event) + claims("settled_in_network", period))
            * (status != EmploymentStatus.unemployment_benefit)
            * (status != EmploymentStatus.retired)
            * flexible_ok
            * (claims("contribution_months", period) >= p.min_contribution_months)
            * (claims("leave_days", period) > 0)
        )


class amount_fen(Variable):
    value_type = float
    entity = Claim
    definition_period = DateUnit.YEAR
    label = "Maternity allowance: wage x days / 30, rounded half up"

    def formula(claims, period, parameters):
        wage = claims("wage_fen", period)
        days = claims("leave_days", period)
        return claims("eligible", period) * numpy.floor(wage * days / 30 + 0.5)


def not_(array):
    return numpy.logical_not(array)


class MaternityTaxBenefitSystem(TaxBenefitSystem):
    def __init__(self, toml_path):
        super().__init__([Claim])
        self.parameters = load_parameters(toml_path)
        for variable in INPUTS + [has_rules, leave_days, eligible, amount_fen]:
            self.add_variable(variable)
