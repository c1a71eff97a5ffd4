/* Every route handler. Each returns 0 with the response set on r, or -1 with e set. */
#ifndef SLOTD_HTTP_HANDLERS_H
#define SLOTD_HTTP_HANDLERS_H

#include "http/req.h"

int h_healthz(struct req *r, struct err *e);
int h_readyz(struct req *r, struct err *e);

int h_provider_create(struct req *r, struct err *e);
int h_provider_list(struct req *r, struct err *e);
int h_provider_get(struct req *r, struct err *e);
int h_provider_patch(struct req *r, struct err *e);
int h_provider_delete(struct req *r, struct err *e);

int h_service_create(struct req *r, struct err *e);
int h_service_list(struct req *r, struct err *e);
int h_service_get(struct req *r, struct err *e);
int h_service_patch(struct req *r, struct err *e);
int h_service_delete(struct req *r, struct err *e);
int h_service_providers_add(struct req *r, struct err *e);
int h_service_provider_remove(struct req *r, struct err *e);
int h_offer_list(struct req *r, struct err *e);
int h_offer_get(struct req *r, struct err *e);
int h_offer_put(struct req *r, struct err *e);
int h_offer_delete(struct req *r, struct err *e);

int h_schedule_put(struct req *r, struct err *e);
int h_schedule_get(struct req *r, struct err *e);

int h_override_create(struct req *r, struct err *e);
int h_override_list(struct req *r, struct err *e);
int h_override_delete(struct req *r, struct err *e);
int h_override_patch(struct req *r, struct err *e);

int h_business_get(struct req *r, struct err *e);
int h_business_put(struct req *r, struct err *e);
int h_business_delete(struct req *r, struct err *e);
int h_business_override_create(struct req *r, struct err *e);
int h_business_override_list(struct req *r, struct err *e);
int h_business_override_get(struct req *r, struct err *e);
int h_business_override_patch(struct req *r, struct err *e);
int h_business_override_delete(struct req *r, struct err *e);

int h_holiday_create(struct req *r, struct err *e);
int h_holiday_list(struct req *r, struct err *e);
int h_holiday_delete(struct req *r, struct err *e);
int h_holiday_patch(struct req *r, struct err *e);

int h_time_off_create(struct req *r, struct err *e);
int h_time_off_list(struct req *r, struct err *e);
int h_time_off_delete(struct req *r, struct err *e);
int h_time_off_patch(struct req *r, struct err *e);

int h_provider_feed_create(struct req *r, struct err *e);
int h_provider_feed_list(struct req *r, struct err *e);
int h_provider_feed_delete(struct req *r, struct err *e);
int h_feed_create(struct req *r, struct err *e);
int h_feed_list(struct req *r, struct err *e);
int h_feed_delete(struct req *r, struct err *e);
int h_feed_ics(struct req *r, struct err *e);

int h_calendar_create(struct req *r, struct err *e);
int h_calendar_list(struct req *r, struct err *e);
int h_calendar_get(struct req *r, struct err *e);
int h_calendar_patch(struct req *r, struct err *e);
int h_calendar_delete(struct req *r, struct err *e);
int h_calendar_sync(struct req *r, struct err *e);

int h_booking_create(struct req *r, struct err *e);
int h_booking_list(struct req *r, struct err *e);
int h_booking_get(struct req *r, struct err *e);
int h_booking_history(struct req *r, struct err *e);
int h_booking_reminders(struct req *r, struct err *e);
int h_booking_action(struct req *r, struct err *e);
int h_booking_patch(struct req *r, struct err *e);
int h_feedback_create(struct req *r, struct err *e);
int h_feedback_patch(struct req *r, struct err *e);
int h_feedback_get(struct req *r, struct err *e);
/* Booking attachments (h_attachments.c). h_attachment_precheck runs after router_admit,
 * before the upload's body is read: booking reach, type and size from the headers. */
int h_attachment_precheck(struct req *r, struct err *e);
int h_attachment_upload(struct req *r, struct err *e);
int h_attachment_list(struct req *r, struct err *e);
int h_attachment_download(struct req *r, struct err *e);
int h_attachment_delete(struct req *r, struct err *e);
int h_hold_create(struct req *r, struct err *e);
int h_hold_get(struct req *r, struct err *e);
int h_hold_delete(struct req *r, struct err *e);
int h_waitlist_create(struct req *r, struct err *e);
int h_waitlist_list(struct req *r, struct err *e);
int h_waitlist_get(struct req *r, struct err *e);
int h_waitlist_delete(struct req *r, struct err *e);
int h_waitlist_patch(struct req *r, struct err *e);
int h_policy_get(struct req *r, struct err *e);
int h_settings_get(struct req *r, struct err *e);
int h_settings_put(struct req *r, struct err *e);
int h_policy_put(struct req *r, struct err *e);
int h_events_list(struct req *r, struct err *e);
int h_key_create(struct req *r, struct err *e);
int h_key_list(struct req *r, struct err *e);
int h_key_get(struct req *r, struct err *e);
int h_key_delete(struct req *r, struct err *e);
/* /v1/users and /v1/sessions (h_users.c). */
int h_user_create(struct req *r, struct err *e);
int h_user_list(struct req *r, struct err *e);
int h_user_get(struct req *r, struct err *e);
int h_user_patch(struct req *r, struct err *e);
int h_user_delete(struct req *r, struct err *e);
int h_user_sessions_delete(struct req *r, struct err *e);
int h_session_create(struct req *r, struct err *e);
int h_session_get(struct req *r, struct err *e);
int h_session_delete(struct req *r, struct err *e);
/* The console session's cookie, and the value of cookie name in the request, or NULL. */
#define SESSION_COOKIE "slotd_session"
const char *req_cookie(struct req *r, const char *name);

int h_slots(struct req *r, struct err *e);
int h_slots_explain(struct req *r, struct err *e);
int h_entry_create(struct req *r, struct err *e);
int h_entry_list(struct req *r, struct err *e);
int h_entry_get(struct req *r, struct err *e);
int h_entry_patch(struct req *r, struct err *e);
int h_entry_delete(struct req *r, struct err *e);
int h_entry_occurrences(struct req *r, struct err *e);
int h_calendar(struct req *r, struct err *e);
int h_analytics(struct req *r, struct err *e);
int h_openapi(struct req *r, struct err *e);

int h_webhook_create(struct req *r, struct err *e);
int h_webhook_list(struct req *r, struct err *e);
int h_webhook_get(struct req *r, struct err *e);
int h_webhook_patch(struct req *r, struct err *e);
int h_webhook_delete(struct req *r, struct err *e);
int h_webhook_rotate(struct req *r, struct err *e);
int h_webhook_deliveries(struct req *r, struct err *e);
int h_webhook_recover(struct req *r, struct err *e);
int h_delivery_list(struct req *r, struct err *e);
int h_delivery_get(struct req *r, struct err *e);
int h_delivery_replay(struct req *r, struct err *e);
int h_template_list(struct req *r, struct err *e);
int h_template_get(struct req *r, struct err *e);
int h_template_put(struct req *r, struct err *e);
int h_template_delete(struct req *r, struct err *e);
int h_template_preview(struct req *r, struct err *e);
int h_test_clock(struct req *r, struct err *e);
int h_public_page(struct req *r, struct err *e);
int h_public_slots(struct req *r, struct err *e);
int h_public_hold_create(struct req *r, struct err *e);
int h_public_hold_delete(struct req *r, struct err *e);
int h_public_booking_create(struct req *r, struct err *e);
int h_public_waitlist_create(struct req *r, struct err *e);
int h_public_waitlist_get(struct req *r, struct err *e);
int h_manage(struct req *r, struct err *e);
int h_web_booking_page(struct req *r, struct err *e);
int h_web_manage_page(struct req *r, struct err *e);
int h_web_asset(struct req *r, struct err *e);
int h_web_embed(struct req *r, struct err *e);
int h_web_console(struct req *r, struct err *e);

#endif
