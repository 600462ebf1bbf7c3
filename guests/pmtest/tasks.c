#include "pmtest.h"
void test_tasks(void) {}
