/* What the notification worker (src/notify) asks of the use cases: the writes that must
 * append an event. Part of the use cases (usecase/uc.h). */
#ifndef SLOTD_USECASE_UC_DELIVERIES_H
#define SLOTD_USECASE_UC_DELIVERIES_H

#include "usecase/uc.h"

/* Disables webhook endpoint id of tenant for reason ("gone": it answered 410; "failing":
 * its deliveries failed for 5 days) at now, as the system, and appends endpoint.disabled
 * when this call disabled it. 0 also when it was disabled already or is gone. */
int uc_endpoint_disable(const struct uc_env *env, const char *tenant, const char *id,
			const char *reason, int64_t now, struct err *e);

#endif
