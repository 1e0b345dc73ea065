export interface Candidate {
  id: string;
  name: string;
  centerId: string | null;
  isActive: boolean;
  /** Tickets assigned to this technician in the last 7 days. */
  recentTickets: number;
}

/**
 * Seed 002: active technicians of the ticket's service centre first; among them the one with the fewest
 * tickets in the last 7 days; ties broken by name then id so the choice is repeatable.
 * Falls back to every active technician when the centre has none. Null when nobody is active.
 */
export function pickTechnician(candidates: readonly Candidate[], centerId: string | null): Candidate | null {
  const active = candidates.filter((c) => c.isActive);
  const sameCenter = centerId ? active.filter((c) => c.centerId === centerId) : [];
  const pool = sameCenter.length ? sameCenter : active;
  const sorted = [...pool].sort((a, b) => a.recentTickets - b.recentTickets || a.name.localeCompare(b.name, 'zh') || a.id.localeCompare(b.id));
  return sorted[0] ?? null;
}
