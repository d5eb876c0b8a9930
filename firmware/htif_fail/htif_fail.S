#define FAIL_TEST 3
#include "../htif_pass/htif_test.S"
