/* picolibc's exit paths: exit(n) ends the run with n; a failed assert() prints its message
 * and aborts (SIGABRT: exit code 128 + 6). MODE selects which. */
#include <assert.h>
#include <stdlib.h>
#include "iss.h"

#ifndef MODE
#define MODE 0
#endif

int main(void)
{
    if (MODE == 0)
        exit(3);
    assert(iss_num_cores() == 99);
    return 0;
}
