/*
 * bench-stats.h: the statistics the benchmarks report
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

/* The median of @n samples (reorders them). */
double benchMedian(double *samples, size_t n);
