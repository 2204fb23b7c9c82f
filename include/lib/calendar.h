/*
 * calendar.h: Unix time to a UTC calendar date (pure, host-tested).
 */
#ifndef TINYPV_CALENDAR_H
#define TINYPV_CALENDAR_H

#include <tinypv/types.h>

struct utc_time {
    uint32_t year;          /* e.g. 2026 */
    uint32_t month;         /* 1-12 */
    uint32_t day;           /* 1-31 */
    uint32_t hour, minute, second;
};

/* Seconds since 1970-01-01T00:00:00Z (leap seconds ignored, as in Unix). */
void unix_to_utc(uint64_t seconds, struct utc_time *out);

#endif /* TINYPV_CALENDAR_H */
