/*
 * calendar.c: from a count of seconds to year, month, day.
 *
 * Written for clarity rather than speed: skip whole 400-year cycles (the
 * Gregorian calendar repeats every 146097 days), then walk forward a year
 * at a time and a month at a time: at most 400 + 12 steps.
 */
#include <lib/calendar.h>
#include <lib/div64.h>

#define SECONDS_PER_DAY 86400u
#define DAYS_PER_400_YEARS 146097u

static bool is_leap(uint32_t year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static uint32_t days_in_month(uint32_t year, uint32_t month)
{
    static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30,
                                      31, 31, 30, 31, 30, 31 };

    return days[month - 1] + (month == 2 && is_leap(year));
}

void unix_to_utc(uint64_t seconds, struct utc_time *out)
{
    uint32_t rest;
    uint64_t days = div_u64_rem(seconds, SECONDS_PER_DAY, &rest);

    out->hour = rest / 3600;
    out->minute = rest % 3600 / 60;
    out->second = rest % 60;

    out->year = 1970 + 400 * (uint32_t)div_u64_rem(days, DAYS_PER_400_YEARS, &rest);
    days = rest;
    while ( days >= (is_leap(out->year) ? 366u : 365u) )
    {
        days -= is_leap(out->year) ? 366u : 365u;
        out->year++;
    }
    out->month = 1;
    while ( days >= days_in_month(out->year, out->month) )
    {
        days -= days_in_month(out->year, out->month);
        out->month++;
    }
    out->day = (uint32_t)days + 1;
}
