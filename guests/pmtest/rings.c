#include "pmtest.h"
void test_rings(void) {}
