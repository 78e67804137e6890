# SPDX-License-Identifier: MIT
"""The original pylcc module path: `from pylcc.lbcBase import ClbcBase`. ClbcBase is the
C extension's class (lbc.ClbcBase, an lbc.Program); this file only gives it that name."""
from lbc import ClbcBase, LbcError, Program  # noqa: F401

__all__ = ["ClbcBase"]
