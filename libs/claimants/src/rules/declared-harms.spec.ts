import { HarmType } from '../claimant.enums';
import { declaredHarms } from './declared-harms';

const { FRAUD_LOSS, OTHER, SCAM_CALLS_OR_SPAM, MENTAL_DISTRESS } = HarmType;

describe("a claimant file row's harms keep its loss and evidence whatever else it says", () => {
  it('puts the loss on FRAUD_LOSS and the evidence on every listed harm', () => {
    expect(declaredHarms([SCAM_CALLS_OR_SPAM, FRAUD_LOSS], '1250', ['a.png'])).toEqual({
      harms: [
        { type: SCAM_CALLS_OR_SPAM, amountFen: null, evidenceRefs: ['a.png'] },
        { type: FRAUD_LOSS, amountFen: '1250', evidenceRefs: ['a.png'] },
      ],
      warnings: [],
    });
  });

  it('keeps a loss without FRAUD_LOSS on an added OTHER harm, with a warning', () => {
    expect(declaredHarms([SCAM_CALLS_OR_SPAM], '1250', [])).toEqual({
      harms: [
        { type: SCAM_CALLS_OR_SPAM, amountFen: null, evidenceRefs: [] },
        { type: OTHER, amountFen: '1250', evidenceRefs: [] },
      ],
      warnings: [expect.objectContaining({ code: 'KEPT_AS_OTHER_HARM' })],
    });
  });

  it('puts a loss on a listed OTHER harm without adding one', () => {
    expect(declaredHarms([MENTAL_DISTRESS, OTHER], '99', ['b'])).toEqual({
      harms: [
        { type: MENTAL_DISTRESS, amountFen: null, evidenceRefs: ['b'] },
        { type: OTHER, amountFen: '99', evidenceRefs: ['b'] },
      ],
      warnings: [],
    });
  });

  it('keeps evidence or a loss of a row without harm types on one OTHER harm', () => {
    expect(declaredHarms([], null, ['c.pdf'])).toEqual({ harms: [{ type: OTHER, amountFen: null, evidenceRefs: ['c.pdf'] }], warnings: [expect.objectContaining({ code: 'KEPT_AS_OTHER_HARM' })] });
    expect(declaredHarms([], '500', ['c.pdf'])).toEqual({ harms: [{ type: OTHER, amountFen: '500', evidenceRefs: ['c.pdf'] }], warnings: [expect.objectContaining({ code: 'KEPT_AS_OTHER_HARM' })] });
  });

  it('declares no harm for a row with no types, loss or evidence', () => {
    expect(declaredHarms([], null, [])).toEqual({ harms: [], warnings: [] });
  });

  it('declares no harm, and warns of nothing, for a loss of 0 with no harm type and no evidence', () => {
    expect(declaredHarms([], '0', [])).toEqual({ harms: [], warnings: [] });
    // With evidence the row still declares something, kept on OTHER.
    expect(declaredHarms([], '0', ['d.png'])).toEqual({ harms: [{ type: OTHER, amountFen: '0', evidenceRefs: ['d.png'] }], warnings: [expect.objectContaining({ code: 'KEPT_AS_OTHER_HARM' })] });
  });
});
