#include "pmtest.h"
void test_misc(void) {}
