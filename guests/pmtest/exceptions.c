#include "pmtest.h"
void test_exceptions(void) {}
