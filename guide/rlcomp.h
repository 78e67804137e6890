/* SPDX-License-Identifier: MIT */
/* readline's side of completion: word boundaries, matches, and a list that shows each
 * candidate's C type next to it. */
#ifndef ST_GUIDE_RLCOMP_H
#define ST_GUIDE_RLCOMP_H
#include "complete.h"

void g_rlcomp_init(struct g_src *src);
void g_rlcomp_done(void);

#endif
