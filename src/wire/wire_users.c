/* Console users as the API shows them: never a password hash. */
#include "wire/wire.h"

json_t *wire_user(const struct user *u, const char *password)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "id", u->id, "email", u->email, "name",
			      u->name, "role", role_name(u->role));

	json_object_set_new(o, "provider_id", wire_opt_str(u->provider_id));
	json_object_set_new(o, "disabled", json_boolean(u->disabled));
	json_object_set_new(o, "created_at", wire_instant(u->created_at, NULL));
	json_object_set_new(o, "updated_at", wire_instant(u->updated_at, NULL));
	json_object_set_new(o, "last_login_at",
			    u->last_login_at ? wire_instant(u->last_login_at, NULL) : json_null());
	if (password)
		json_object_set_new(o, "password", json_string(password));
	return o;
}
