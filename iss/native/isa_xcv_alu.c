/* XCValu, XCVmac, XCVsimd, XCVbitmanip: being written (branch xcvalu). */
#include "isa.h"
const isa_table_t isa_table_xcv_alu = {NULL, 0};
