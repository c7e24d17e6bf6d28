/**
 * Who hands files to ingest. It decides which senders a file's records may name and where the
 * activity report goes; it comes from the channel the file arrived on (the FTPS login that owns
 * the inbound folder, or the operator at the command line), never from the file itself.
 */
export type Uploader = ParticipantUploader | OperatorUploader;

/** A TDSP's own file: its records must name one of its DUNS as sender; the report goes to its folder. */
export interface ParticipantUploader {
  kind: 'participant';
  participantId: number;
  name: string;
  /** Every DUNS the participant owns. */
  duns: readonly string[];
  /** The DUNS whose folders the file came through: its reports/ gets the activity report. */
  folderDuns: string;
  /** The operator's OS user when an operator loaded the file on the participant's behalf (`smt ingest --for`). */
  operatorOsUser: string | null;
}

/** An operator at the command line: may load any registered TDSP's file; no FTPS folder gets a report. */
export interface OperatorUploader {
  kind: 'operator';
  osUser: string;
}

/** The participant facts an uploader is made from (a registry Participant fits). */
export interface UploadingParticipant {
  id: number;
  name: string;
  duns: readonly string[];
}

export function participantUploader(p: UploadingParticipant, folderDuns: string, operatorOsUser: string | null = null): ParticipantUploader {
  return { kind: 'participant', participantId: p.id, name: p.name, duns: [...p.duns], folderDuns, operatorOsUser };
}

/** Log fields naming who loaded a file. */
export function uploaderLogFields(u: Uploader): Record<string, string> {
  if (u.kind === 'operator') return { loadedBy: 'operator', osUser: u.osUser };
  return { loadedBy: 'participant', participant: u.name, uploadDuns: u.folderDuns, ...(u.operatorOsUser ? { operatorOsUser: u.operatorOsUser } : {}) };
}

/**
 * The senders one file's records may name, as a set the loader checks each record against (one
 * look-up per record), and the reason it gives for a sender outside the set.
 */
export interface SenderBinding {
  allowed: ReadonlySet<string>;
  refusal(sender: string | null): string;
}

/** Binds a file to its uploader: a participant's own DUNS that are registered TDSPs; for an operator, any registered TDSP. */
export function senderBinding(u: Uploader, tdspDuns: ReadonlySet<string>): SenderBinding {
  if (u.kind === 'operator') {
    return { allowed: tdspDuns, refusal: (sender) => `sender ${sender} is not a registered TDSP` };
  }
  const own = u.duns.join(' or ');
  return {
    allowed: new Set(u.duns.filter((d) => tdspDuns.has(d))),
    refusal: (sender) => (u.duns.includes(sender ?? '')
      ? `sender ${sender} is not a registered TDSP`
      : `sender ${sender} is not the uploader's DUNS: the file came from ${u.name} (DUNS ${own}), which may only send its own records`),
  };
}
