#pragma once

// The whole runtime: include this in scenario code.
#include "errors.h"
#include "eventloop.h"
#include "gather.h"
#include "result.h"
#include "semaphore.h"
#include "sleep.h"
#include "task.h"
#include "taskgroup.h"
#include "timeout.h"
#include "asyncgenerator.h"
#include "condition.h"
#include "event.h"
#include "lock.h"
#include "queue.h"
