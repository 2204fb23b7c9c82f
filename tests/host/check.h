/*
 * check.h: the smallest test harness that does the job.
 *
 * CHECK(cond) records a pass or a failure (with file:line and the condition)
 * and carries on, so one run shows every broken expectation. A test program
 * ends with `return check_summary("name");`, which prints the plain closing
 * line "name: N passed, M failed" and returns the exit status.
 */
#ifndef TINYPV_TESTS_CHECK_H
#define TINYPV_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

static unsigned int check_passed, check_failed;

#define CHECK(cond)                                                      \
    do {                                                                 \
        if ( cond )                                                      \
            check_passed++;                                              \
        else                                                             \
        {                                                                \
            check_failed++;                                              \
            fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__,   \
                    #cond);                                              \
        }                                                                \
    } while ( 0 )

/* Compare two strings and show both on failure. */
#define CHECK_STR(got, want)                                             \
    do {                                                                 \
        const char *got_ = (got), *want_ = (want);                       \
        if ( got_ && want_ && strcmp(got_, want_) == 0 )                 \
            check_passed++;                                              \
        else                                                             \
        {                                                                \
            check_failed++;                                              \
            fprintf(stderr, "%s:%d: FAILED: %s\n  got:  \"%s\"\n"        \
                    "  want: \"%s\"\n", __FILE__, __LINE__, #got,        \
                    got_ ? got_ : "(null)", want_ ? want_ : "(null)");   \
        }                                                                \
    } while ( 0 )

/* Compare two unsigned integers and show both on failure. */
#define CHECK_EQ(got, want)                                              \
    do {                                                                 \
        unsigned long long got_ = (got), want_ = (want);                 \
        if ( got_ == want_ )                                             \
            check_passed++;                                              \
        else                                                             \
        {                                                                \
            check_failed++;                                              \
            fprintf(stderr, "%s:%d: FAILED: %s == %s\n  got:  %llu\n"    \
                    "  want: %llu\n", __FILE__, __LINE__, #got, #want,   \
                    got_, want_);                                        \
        }                                                                \
    } while ( 0 )

static inline int check_summary(const char *name)
{
    printf("%s: %u passed, %u failed\n", name, check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif /* TINYPV_TESTS_CHECK_H */
