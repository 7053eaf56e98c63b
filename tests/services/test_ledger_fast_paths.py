"""The ledger import's shortcuts give exactly what the general code gives."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.procedure import Registered, to_data
from app.services.ledger import _registered_data


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12), st.text(max_size=8), st.none() | st.dates(date(2008, 5, 1)), st.text(max_size=30))
def test_the_registration_data_is_the_payloads(reg_number, channel, receipt_date, basis) -> None:
    for file, row in (("台账.xlsx", 2), ("", 0), ("a.csv", 10_001)):
        ours = _registered_data(reg_number, channel, receipt_date, basis, file, row)
        theirs = to_data(
            Registered(
                reg_number=reg_number,
                channel=channel,
                receipt_date=receipt_date,
                receipt_basis=basis,
                source="ledger",
                file=file,
                row=row,
            )
        )
        assert ours == theirs
        assert list(ours) == list(theirs)  # the stored JSON keeps the order
