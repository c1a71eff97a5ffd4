// The console's pages, in the order of the navigation. Each page: `name` (its path under
// /console/ and its nav-<name> test hook), `label` (a catalogue key), `admin` (shown to
// administrators only) and `mount(root, ctx)` returning {destroy()} or nothing. The first
// page is the one /console opens on. A page may also answer paths below its own
// (/console/setup/services) and reads them from location.pathname.
import { mountCalendar } from './calendar.js';
import { mountBookings } from './bookings.js';
import { mountAvailability } from './availability.js';
import { mountWaitlist } from './waitlist.js';
import { mountDashboard } from './dashboard.js';
import { mountSetup } from './setup.js';

export const pages = [
  { name: 'calendar', label: 'c.nav.calendar', mount: mountCalendar },
  { name: 'bookings', label: 'c.nav.bookings', mount: mountBookings },
  { name: 'availability', label: 'c.nav.availability', mount: mountAvailability },
  { name: 'waitlist', label: 'c.nav.waitlist', mount: mountWaitlist },
  { name: 'dashboard', label: 'c.nav.dashboard', mount: mountDashboard },
  { name: 'setup', label: 'c.nav.setup', admin: true, mount: mountSetup },
];
