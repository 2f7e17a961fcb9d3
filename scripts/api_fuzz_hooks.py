"""schemathesis hooks of scripts/api-fuzz (loaded through SCHEMATHESIS_HOOKS).

How to make values of the API document's own string formats, so that requests valid by the
document are valid to the server too:

- `citizen-id`: a 公民身份号码 (GB 11643): region, birth date, sequence, and a check
  character computed over the first 17 digits. Synthetic: region 500228, dates 1950-2005.
"""

import schemathesis
from hypothesis import strategies as st

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def citizen_id(year: int, month: int, day: int, sequence: int) -> str:
    body = f"500228{year:04d}{month:02d}{day:02d}{sequence:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, WEIGHTS))
    return body + CHECK[total % 11]


schemathesis.openapi.format(
    "citizen-id",
    st.builds(
        citizen_id,
        st.integers(1950, 2005),
        st.integers(1, 12),
        st.integers(1, 28),
        st.integers(0, 999),
    ),
)
