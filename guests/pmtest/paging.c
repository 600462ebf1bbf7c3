#include "pmtest.h"
void test_paging(void) {}
