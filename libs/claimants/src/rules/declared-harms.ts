import { HarmType } from '../claimant.enums';
import type { NormaliseWarning } from '../normalise';

/** One harm as a row of a claimant file declares it: its type, its loss in fen (text), its evidence. */
export interface DeclaredHarm {
  type: HarmType;
  amountFen: string | null;
  evidenceRefs: string[];
}

/** The warning given when a loss or evidence was kept on a harm of type OTHER. */
const KEPT_AS_OTHER: NormaliseWarning = {
  code: 'KEPT_AS_OTHER_HARM',
  message: 'the loss or evidence had no harm type it could belong to and was kept as a harm of type OTHER',
};

/**
 * The harms of one claimant file row, keeping everything it declares (nothing dropped): a row
 * holds one loss (`loss_fen`), one list of evidence references and a list of harm types, while a
 * harm declaration carries its own amount and evidence. The loss belongs to FRAUD_LOSS when the row
 * lists it (PIPL art. 69(2): a property loss is assessed from what the person lost); otherwise it
 * is kept on a harm of type OTHER (listed or added), since no listed type is a property loss. The
 * evidence supports every listed harm; a row with evidence or a loss but no harm type gets one
 * OTHER harm carrying both. An added OTHER harm gives the KEPT_AS_OTHER_HARM warning. A row with
 * neither types, loss nor evidence declares no harm, and so does one whose only content is a loss
 * of 0 fen: a zero loss with no harm type and no evidence is no harm (nothing to keep, no warning).
 */
export function declaredHarms(types: readonly HarmType[], lossFen: string | null, evidenceRefs: string[]): { harms: DeclaredHarm[]; warnings: NormaliseWarning[] } {
  if (types.length === 0 && evidenceRefs.length === 0 && (lossFen === null || /^0+$/.test(lossFen))) return { harms: [], warnings: [] };
  const lossOn = lossFen === null ? null : types.includes(HarmType.FRAUD_LOSS) ? HarmType.FRAUD_LOSS : HarmType.OTHER;
  const harms = types.map((type) => ({ type, amountFen: type === lossOn ? lossFen : null, evidenceRefs }));
  const needsOther = (lossOn === HarmType.OTHER && !types.includes(HarmType.OTHER)) || (types.length === 0 && evidenceRefs.length > 0);
  if (!needsOther) return { harms, warnings: [] };
  harms.push({ type: HarmType.OTHER, amountFen: lossFen, evidenceRefs });
  return { harms, warnings: [KEPT_AS_OTHER] };
}
