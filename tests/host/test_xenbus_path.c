/*
 * test_xenbus_path.c: the checks of what xenbus reads from xenstore
 * (xenbus/xenbus_path.c): state and domain-id parsing, names, the
 * backend path a hostile dom0 (or anyone who can write our device/
 * directory) might give, and what a backend state change asks of the
 * frontend.
 */
#include <tinypv/xenbus_path.h>
#include <tinypv/xs_proto.h>
#include "check.h"

static int check_path(const char *path, unsigned int be, unsigned int us)
{
    const char *why = NULL;
    int rc = xenbus_check_backend(path, strlen(path), "vbd", us, "51712",
                                  (domid_t)be, &why);

    CHECK(rc == 0 || (why && why[0]));
    return rc;
}

static void test_states(void)
{
    XenbusState st = XenbusStateUnknown;

    CHECK(xenbus_parse_state("2", 1, &st) == 0 && st == XenbusStateInitWait);
    CHECK(xenbus_parse_state("8", 1, &st) == 0 && st == XenbusStateReconfigured);
    CHECK(xenbus_parse_state("0", 1, &st) == 0 && st == XenbusStateUnknown);
    CHECK(xenbus_parse_state("9", 1, &st) == -EINVAL);
    CHECK(xenbus_parse_state("", 0, &st) == -EINVAL);
    CHECK(xenbus_parse_state("04", 2, &st) == -EINVAL);
    CHECK(xenbus_parse_state("-1", 2, &st) == -EINVAL);
    CHECK(xenbus_parse_state(" 4", 2, &st) == -EINVAL);
    CHECK(xenbus_parse_state("4\n", 2, &st) == -EINVAL);
    CHECK(xenbus_parse_state("4\0", 2, &st) == -EINVAL);   /* a NUL inside */
    CHECK(xenbus_parse_state("4000000000000", 13, &st) == -EINVAL);
    /* len counts: "45" read as one byte is "4". */
    CHECK(xenbus_parse_state("45", 1, &st) == 0 && st == XenbusStateConnected);
    CHECK_STR(xenbus_state_name(XenbusStateInitWait), "InitWait");
    CHECK_STR(xenbus_state_name(XenbusStateClosed), "Closed");
    CHECK_STR(xenbus_state_name((XenbusState)9), "invalid");
    CHECK_STR(xenbus_state_name((XenbusState)-1), "invalid");
}

static void test_domids(void)
{
    domid_t d = 99;

    CHECK(xenbus_parse_domid("0", 1, &d) == 0 && d == 0);
    CHECK(xenbus_parse_domid("32751", 5, &d) == 0 && d == 32751);  /* 0x7fef */
    CHECK(xenbus_parse_domid("32752", 5, &d) == -EINVAL);  /* DOMID_FIRST_RESERVED */
    CHECK(xenbus_parse_domid("65535", 5, &d) == -EINVAL);  /* DOMID_INVALID */
    CHECK(xenbus_parse_domid("99999", 5, &d) == -EINVAL);
    CHECK(xenbus_parse_domid("100000", 6, &d) == -EINVAL);
    CHECK(xenbus_parse_domid("00", 2, &d) == -EINVAL);
    CHECK(xenbus_parse_domid("07", 2, &d) == -EINVAL);
    CHECK(xenbus_parse_domid("0x1", 3, &d) == -EINVAL);
    CHECK(xenbus_parse_domid("", 0, &d) == -EINVAL);
}

static void test_names(void)
{
    CHECK(xenbus_valid_name("vbd"));
    CHECK(xenbus_valid_name("51712"));
    CHECK(xenbus_valid_name("a-b_c.d"));
    CHECK(!xenbus_valid_name(""));
    CHECK(!xenbus_valid_name("."));
    CHECK(!xenbus_valid_name(".."));
    CHECK(!xenbus_valid_name("a/b"));
    CHECK(!xenbus_valid_name("a b"));
    CHECK(!xenbus_valid_name("\x1b[2J"));
    CHECK(xenbus_valid_name("123456789012345"));       /* 15: fits */
    CHECK(!xenbus_valid_name("1234567890123456"));     /* 16: does not */
}

static void test_backend_paths(void)
{
    const char *why = NULL;
    char nul[] = "/local/domain/0/backend/vbd/5/51712";

    CHECK(check_path("/local/domain/0/backend/vbd/5/51712", 0, 5) == 0);
    CHECK(check_path("/local/domain/3/backend/vbd/17/51712", 3, 17) == 0);
    /* backend-id disagrees with the path. */
    CHECK(check_path("/local/domain/0/backend/vbd/5/51712", 3, 5) == -EINVAL);
    /* Another frontend's device (the hostile case of the system test). */
    CHECK(check_path("/local/domain/0/backend/vbd/0/51712", 0, 5) == -EINVAL);
    CHECK(check_path("/local/domain/0/backend/vbd/6/51712", 0, 5) == -EINVAL);
    /* Another device id, another type, extra or missing parts. */
    CHECK(check_path("/local/domain/0/backend/vbd/5/51728", 0, 5) == -EINVAL);
    CHECK(check_path("/local/domain/0/backend/vif/5/51712", 0, 5) == -EINVAL);
    CHECK(check_path("/local/domain/0/backend/vbd/5/51712/", 0, 5) == -EINVAL);
    CHECK(check_path("/local/domain/0/backend/vbd/5/517120", 0, 5) == -EINVAL);
    CHECK(check_path("/local/domain/0/backend/vbd/5/5171", 0, 5) == -EINVAL);
    CHECK(check_path("/local/domain/0/backend/vbd/5", 0, 5) == -EINVAL);
    CHECK(check_path("/local/domain/0/backend/vbd/5/../5/51712", 0, 5) == -EINVAL);
    CHECK(check_path("local/domain/0/backend/vbd/5/51712", 0, 5) == -EINVAL);
    CHECK(check_path("/local/domain/00/backend/vbd/5/51712", 0, 5) == -EINVAL);
    CHECK(check_path("/local/domain/0/backend/vbd/05/51712", 0, 5) == -EINVAL);
    CHECK(check_path("/local/domain//backend/vbd/5/51712", 0, 5) == -EINVAL);
    CHECK(check_path("/local/domain/0/frontend/vbd/5/51712", 0, 5) == -EINVAL);
    CHECK(check_path("/vm/0/backend/vbd/5/51712", 0, 5) == -EINVAL);
    CHECK(check_path("", 0, 5) == -EINVAL);
    /* A NUL inside the value read. */
    nul[15] = '\0';
    CHECK(xenbus_check_backend(nul, sizeof(nul) - 1, "vbd", 5, "51712", 0,
                               &why) == -EINVAL);
    CHECK(why && strstr(why, "NUL"));
    /* Only len bytes count: a longer buffer is cut where the value ends. */
    CHECK(xenbus_check_backend("/local/domain/0/backend/vbd/5/51712XYZ", 35,
                               "vbd", 5, "51712", 0, &why) == 0);
    /* Too long for XENBUS_PATH_MAX. */
    {
        char longpath[XENBUS_PATH_MAX + 8];

        memset(longpath, 'a', sizeof(longpath));
        CHECK(xenbus_check_backend(longpath, sizeof(longpath), "vbd", 5,
                                   "51712", 0, &why) == -EINVAL);
    }
    CHECK(xenbus_check_backend("/local/domain/0/backend/vbd/0/51712", 35,
                               "vbd", 5, "51712", 0, &why) == -EINVAL);
    CHECK_STR(why, "not the backend's directory for our domain");
}

static void test_actions(void)
{
    const XenbusState I = XenbusStateInitialising, W = XenbusStateInitWait,
        C = XenbusStateConnected, G = XenbusStateClosing, D = XenbusStateClosed;

    CHECK(xenbus_backend_action(I, I, W, false) == XENBUS_NOTIFY);
    CHECK(xenbus_backend_action(I, W, W, false) == XENBUS_NOTHING);
    CHECK(xenbus_backend_action(I, W, C, false) == XENBUS_NOTIFY);
    CHECK(xenbus_backend_action(I, W, G, false) == XENBUS_TEARDOWN);
    CHECK(xenbus_backend_action(C, C, D, false) == XENBUS_TEARDOWN);
    CHECK(xenbus_backend_action(I, W, W, true) == XENBUS_TEARDOWN);
    /* Already closed: nothing left to tear down, whatever the backend does. */
    CHECK(xenbus_backend_action(D, G, D, false) == XENBUS_NOTHING);
    CHECK(xenbus_backend_action(D, G, G, true) == XENBUS_NOTHING);
}

int main(void)
{
    test_states();
    test_domids();
    test_names();
    test_backend_paths();
    test_actions();
    return check_summary("xenbus_path");
}
