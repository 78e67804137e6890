# SPDX-License-Identifier: MIT
"""pylcc: the original's Python model (`from pylcc.lbcBase import ClbcBase`), served by
the `lbc` extension module."""
