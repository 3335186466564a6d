import type { LeakIncident } from '@app/leaks';
import { DocumentKind, DocumentLanguage } from '../rules/document-kinds';
import type { CaseFacts, DocumentParty } from '../content/case-facts';
import { grouped, yuan } from './format';
import type { DocumentTexts } from './texts';

const DIGITS = '零一二三四五六七八九';

/** 1..99 in Chinese numerals ('一', '十二', '二十'). */
export function chineseNumber(n: number): string {
  if (n < 10) return DIGITS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones ? DIGITS[ones] : ''}`;
}


const PIPL = '《中华人民共和国个人信息保护法》';
const CIVIL_CODE = '《中华人民共和国民法典》';
const CPL = '《中华人民共和国民事诉讼法》';
const PIL_INTERPRETATION = '《最高人民法院、最高人民检察院关于检察公益诉讼案件适用法律若干问题的解释》';

const LIABILITY_SOURCE: Record<string, string> = {
  PRESUMED_FAULT: `${PIPL}第六十九条第一款、${CIVIL_CODE}第一千一百六十五条第二款`,
  JOINT_TORT: `${CIVIL_CODE}第一千一百六十八条`,
  NOTICE_NOT_ACTED_ON: `${CIVIL_CODE}第一千一百九十五条`,
  KNEW_OR_SHOULD_HAVE_KNOWN: `${CIVIL_CODE}第一千一百九十七条`,
};

const enums: DocumentTexts['enums'] = {
  caseType: {
    CIVIL_PUBLIC_INTEREST: '民事公益诉讼',
    ADMINISTRATIVE_PUBLIC_INTEREST: '行政公益诉讼',
    REPRESENTATIVE_ACTION: '代表人诉讼',
    SUPPORTED: '支持起诉',
  },
  partyRole: { PLAINTIFF: '原告', SUPPORTER: '支持起诉人', DEFENDANT: '被告', AGENCY: '行政机关', REPRESENTATIVE: '诉讼代表人' },
  organisationKind: {
    PROCURATORATE: '人民检察院',
    CONSUMER_ASSOCIATION: '消费者协会',
    DESIGNATED_ORGANISATION: '国家网信部门确定的组织',
    COURT: '人民法院',
    OPERATOR: '运维单位',
  },
  handlerRole: {
    NETWORK_SERVICE_PROVIDER: '网络服务提供者',
    CONTENT_SERVICE_PROVIDER: '内容服务提供者',
    INTERMEDIARY_SERVICE_PROVIDER: '中介服务提供者',
    OTHER_HANDLER: '个人信息处理者',
  },
  liabilityBasis: {
    PRESUMED_FAULT: '过错推定',
    JOINT_TORT: '共同侵权',
    NOTICE_NOT_ACTED_ON: '接到通知后未采取必要措施',
    KNEW_OR_SHOULD_HAVE_KNOWN: '知道或者应当知道',
  },
  dataCategory: {
    NAME: '姓名',
    PHONE_NUMBER: '电话号码',
    ID_NUMBER: '身份证件号码',
    ADDRESS: '住址',
    EMAIL: '电子邮箱',
    ACCOUNT_CREDENTIALS: '账户凭证',
    PURCHASE_HISTORY: '交易记录',
    LOCATION_WHEREABOUTS: '行踪轨迹',
    FINANCIAL_ACCOUNT: '金融账户',
    MEDICAL_HEALTH: '医疗健康',
    BIOMETRIC: '生物识别',
    GENETIC: '基因信息',
    RELIGIOUS_BELIEF: '宗教信仰',
    SPECIFIC_IDENTITY: '特定身份',
    CRIMINAL_RECORD: '违法犯罪记录',
    MINOR_UNDER_14: '不满十四周岁未成年人信息',
  },
  harmType: {
    FRAUD_LOSS: '诈骗损失',
    SCAM_CALLS_OR_SPAM: '骚扰电话或垃圾信息',
    IDENTITY_MISUSE: '身份冒用',
    ACCOUNT_TAKEOVER: '账户被盗',
    REPUTATION: '名誉受损',
    MENTAL_DISTRESS: '精神损害',
    OTHER: '其他',
  },
  basis: { DATASET_MATCH: '数据集比对', BREACH_NOTICE: '泄露通知', SELF_DECLARED: '本人申报' },
  subclass: { SENSITIVE_DATA: '敏感信息组', FINANCIAL_LOSS: '财产损失组', ORDINARY: '一般组' },
  memberState: { PROPOSED: '待审查', ADMITTED: '已确认', EXCLUDED: '已排除', OPTED_OUT: '已退出', REGISTERED: '已登记' },
  classStatus: { OPEN: '审查中', CERTIFIED: '已确认', REFUSED: '不予确认' },
  decisionKind: {
    FORM: '组建群体',
    REFORM: '重新组建',
    ADMIT: '确认成员',
    EXCLUDE: '排除成员',
    OPT_OUT: '成员退出',
    REGISTER: '成员登记',
    REASSIGN_SUBCLASS: '调整分组',
    CERTIFY: '确认群体',
    REFUSE_CERTIFICATION: '不予确认群体',
    REOPEN: '重新审查',
    ELECT_REPRESENTATIVES: '推选代表人',
  },
  anomalyKind: {
    DUPLICATE_ACROSS_CLASSES: '重复参加其他群体',
    SELF_DECLARED_ONLY: '仅有本人申报',
    EVIDENCE_OUTSIDE_WINDOW: '证据早于泄露期间',
    SHARED_PHONE: '多人共用电话号码',
    SHARED_ADDRESS: '多人共用住址',
    NO_EVIDENCE: '无任何证据',
  },
  discoveryChannel: {
    POLICE_SEIZURE: '公安机关查获',
    BREACH_NOTICE: '处理者泄露通知',
    REGULATOR_FINDING: '监管部门查明',
    MEDIA_REPORT: '媒体报道',
    CLAIMANT_REPORTS: '受害人反映',
  },
  burdenRule: {
    HANDLING: '被告处理了受害人的个人信息',
    INFRINGING_ACT: '侵权行为（泄露、出售或者非法提供）',
    DAMAGE: '损害事实',
    CLASS_MEMBERSHIP: '群体成员身份',
    LAWFUL_BASIS: '处理有合法依据、敏感个人信息经单独同意',
    SECURITY_DUTIES: '已履行安全保护义务',
    REMEDIAL_MEASURES: '已采取补救措施并通知',
    NO_CAUSATION: '不存在因果关系',
    JOINT_INFRINGEMENT: '共同侵权',
    VALID_NOTICE: '有效通知已送达',
    NECESSARY_MEASURES: '接到通知后及时采取必要措施',
    KNEW_OR_SHOULD_HAVE_KNOWN: '知道或者应当知道侵权',
    SUPERVISORY_DUTY_AND_HARM: '负有监管职责且违法行使职权或者不作为损害公共利益',
    PRE_LITIGATION_RECOMMENDATION: '检察建议已提出而逾期仍不依法履职',
    LAWFUL_PERFORMANCE: '已依法履行监管职责',
  },
};

const names = (values: readonly string[], table: Record<string, string>) => values.map((v) => table[v] ?? v);
const list = (items: string[]) => items.join('、');
const defendants = (f: CaseFacts) => f.parties.filter((p) => p.role === 'DEFENDANT');
const defendantNames = (f: CaseFacts) => {
  const d = defendants(f).map((p) => p.name);
  const handlers = f.incidents.map((i) => i.handler.name);
  return list(d.length ? d : [...new Set(handlers)]);
};
const isProcuratorate = (f: CaseFacts) => f.author.kind === 'PROCURATORATE';
const date = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};
const window = (i: LeakIncident) => (i.exposureEnd ? `${date(i.exposureStart)}至${date(i.exposureEnd)}` : `${date(i.exposureStart)}起`);
const handlerNames = (f: CaseFacts) => list([...new Set(f.incidents.map((i) => i.handler.name))]);

/** The Chinese texts (简体中文), after the published formats of procuratorate and court documents. */
export const ZH: DocumentTexts = {
  language: DocumentLanguage.ZH,
  lang: 'zh-CN',
  title: {
    [DocumentKind.CIVIL_PUBLIC_INTEREST_COMPLAINT]: '民事公益诉讼起诉书',
    [DocumentKind.PRE_LITIGATION_ANNOUNCEMENT]: '诉前公告',
    [DocumentKind.PROCURATORIAL_RECOMMENDATION]: '检察建议书',
    [DocumentKind.EVIDENCE_PRESERVATION_APPLICATION]: '证据保全申请书',
    [DocumentKind.CLASS_ROSTER]: '当事人名册',
    [DocumentKind.CLASS_COMPOSITION_REPORT]: '群体构成报告',
    [DocumentKind.EVIDENCE_LIST]: '证据清单',
    [DocumentKind.REMEDY_SCHEDULE]: '责任承担及赔偿分配表',
  },
  enums,
  pageOf: (page, pages) => `第 ${page} 页 / 共 ${pages} 页`,
  number: (value, format) => (format === 'fen' ? yuan(value) : format === 'share' ? `${grouped(value * 100, 1)}%` : grouped(value, 0)),
  money: (fen) => `人民币${yuan(fen)}元`,
  moneyHeader: (header) => `${header}（元）`,
  date,
  ordinal: (n) => `${chineseNumber(n)}、`,
  list,
  summarySheet: '文书信息',
  reference: (caseTitle) => `案件：${caseTitle}`,
  party: {
    label: (p, caseType) => {
      if (p.role === 'PLAINTIFF' && p.organisationKind === 'PROCURATORATE') return '公益诉讼起诉人';
      if (p.role === 'SUPPORTER') return '支持起诉人';
      if (p.role === 'AGENCY') return '行政机关';
      if (p.role === 'PLAINTIFF' && caseType === 'REPRESENTATIVE_ACTION') return '诉讼代表人';
      return enums.partyRole[p.role] ?? p.role;
    },
    lines: (p) => {
      const lines = [p.name];
      if (p.creditCode) lines.push(`统一社会信用代码：${p.creditCode}`);
      if (p.organisationKind) lines.push(`类别：${enums.organisationKind[p.organisationKind] ?? p.organisationKind}`);
      if (p.handlerRole) lines.push(`身份：${enums.handlerRole[p.handlerRole] ?? p.handlerRole}`);
      if (p.liabilityBasis) lines.push(`责任依据：${enums.liabilityBasis[p.liabilityBasis]}（${LIABILITY_SOURCE[p.liabilityBasis]}）`);
      return lines;
    },
  },
  incidentFacts: (i) => {
    const categories = i.dataCategories.map((c) => enums.dataCategory[c.category] ?? c.category);
    const sensitive = i.dataCategories.filter((c) => c.sensitive).map((c) => enums.dataCategory[c.category] ?? c.category);
    const scale = [
      i.estimatedPeople !== null ? `涉及约 ${grouped(i.estimatedPeople, 0)} 人` : '',
      i.estimatedRecords !== null ? `约 ${grouped(i.estimatedRecords, 0)} 条记录` : '',
    ].filter(Boolean);
    return (
      `${i.handler.name}（${enums.handlerRole[i.handler.role]}）在${window(i)}期间处理的个人信息发生泄露，泄露的个人信息包括${list(categories)}` +
      (sensitive.length ? `，其中${list(sensitive)}属于${PIPL}第二十八条规定的敏感个人信息` : '') +
      (scale.length ? `，${scale.join('、')}` : '') +
      `。该事件于${date(i.discoveredOn)}经${enums.discoveryChannel[i.discoveryChannel]}发现。`
    );
  },
  membersFacts: (m, merged) =>
    `${merged ? '经合并各方登记' : '经本单位登记'}，本案群体现有成员 ${grouped(m.current, 0)} 人，其中经数据集比对或泄露通知核实 ${grouped(m.verified, 0)} 人；` +
    `申报财产损失的成员 ${grouped(m.lossMembers, 0)} 人，申报损失合计人民币${yuan(m.lossSumFen)}元。`,
  headings: {
    claims: '诉讼请求',
    factsAndReasons: '事实和理由',
    evidence: '证据清单',
    requests: '请求事项',
    recommendations: '检察建议',
    classes: '群体概况',
    members: '成员名册',
    metrics: '构成指标',
    anomalies: '异常情况',
    decisions: '审查决定',
    counts: '分类统计',
  },
  complaint: {
    claims: (f) => [
      `判令被告${defendantNames(f)}立即停止违法处理个人信息的侵权行为，删除违法收集、泄露的个人信息，封堵泄露渠道（${CIVIL_CODE}第一百七十九条）；`,
      `判令被告在国家级媒体上公开赔礼道歉，其方式和范围与侵权行为的影响范围相当（${CIVIL_CODE}第一千条）；`,
      '判令被告采取措施消除影响，包括通知已获取泄露信息的第三方删除相关信息；',
      f.members.lossSumFen > 0
        ? `判令被告赔偿损失${ZH.money(f.members.lossSumFen)}（群体成员申报的财产损失合计，${PIPL}第六十九条第二款、${CIVIL_CODE}第一千一百八十二条），支付至公益诉讼专项资金账户；`
        : `判令被告赔偿损失，数额由人民法院根据实际情况确定（${PIPL}第六十九条第二款、${CIVIL_CODE}第一千一百八十二条），支付至公益诉讼专项资金账户；`,
      '判令被告承担本案诉讼费用。',
    ],
    reasons: (f) => [
      ...f.incidents.map((i) => ZH.incidentFacts(i)),
      ZH.membersFacts(f.members, false),
      `${PIPL}第六十九条第一款规定，处理个人信息侵害个人信息权益造成损害，个人信息处理者不能证明自己没有过错的，应当承担损害赔偿等侵权责任。被告未能履行${PIPL}第五十一条规定的安全保护义务，亦未依照第五十七条及时采取补救措施并通知个人，致使众多个人的个人信息权益受到侵害，损害了社会公共利益。`,
      isProcuratorate(f)
        ? `本院依法履行诉前公告程序，公告期满后没有法律规定的机关和有关组织提起诉讼（${PIL_INTERPRETATION}第十三条）。依照${CPL}第五十八条第二款、${PIPL}第七十条的规定，本院作为公益诉讼起诉人提起民事公益诉讼。`
        : `依照${PIPL}第七十条、${CPL}第五十八条第一款及《中华人民共和国消费者权益保护法》第四十七条的规定，原告有权提起本案民事公益诉讼。`,
    ],
    closing: () => '综上所述，为维护社会公共利益，特向你院提起诉讼，请依法判决。',
    salutation: (court) => ['此致', court],
  },
  announcement: {
    body: (f) => [
      `本院在履行职责中发现：${f.incidents.map((i) => ZH.incidentFacts(i)).join('')}`,
      `上述行为侵害众多不特定个人的个人信息权益，损害社会公共利益，涉嫌违反${PIPL}第十条、第五十一条的规定。`,
      `依照${CPL}第五十八条第二款、${PIL_INTERPRETATION}第十三条的规定，本院拟对${handlerNames(f)}提起民事公益诉讼，现予公告。`,
    ],
    period: (f) =>
      f.announcement
        ? `公告期间为三十日，自${date(f.announcement.trigger)}公告之次日起算，至${date(f.announcement.due)}届满。`
        : '公告期间为三十日，自公告发布之次日起算。',
    comeForward: () =>
      `法律规定的机关和有关组织拟就上述行为提起民事公益诉讼的，请于公告期满前书面告知本院，并依法向有管辖权的人民法院提起诉讼。公告期满后没有法律规定的机关和有关组织提起诉讼的，本院将依法提起诉讼。`,
  },
  recommendation: {
    addressee: (f) => `${f.parties.find((p) => p.role === 'AGENCY')?.name ?? ''}：`,
    findings: (f) => [`本院在履行职责中发现：${f.incidents.map((i) => ZH.incidentFacts(i)).join('')}`],
    failure: () =>
      `你单位作为依法履行个人信息保护职责的部门（${PIPL}第六十条、第六十一条），对上述违法处理个人信息的行为未依法履行监督管理职责，致使社会公共利益持续受到侵害。依照《中华人民共和国行政诉讼法》第二十五条第四款、${PIL_INTERPRETATION}第二十一条的规定，本院向你单位提出如下检察建议：`,
    measures: (f) => [
      `依法履行监督管理职责，责令${handlerNames(f)}改正，立即停止违法处理个人信息的行为，删除违法处理的个人信息（${PIPL}第六十六条）；`,
      `对${handlerNames(f)}的违法个人信息处理活动依法调查、处理（${PIPL}第六十一条第四项）；`,
      `督促其依照${PIPL}第五十七条通知受影响的个人并采取补救措施；`,
      '建立健全常态化监管机制，防止类似问题再次发生。',
    ],
    response: (f) =>
      f.recommendation
        ? `请你单位自收到本检察建议书之日起${f.recommendation.urgent ? '十五日' : '两个月'}内（即${date(f.recommendation.due)}前）依法履行职责，并书面回复本院。`
        : '请你单位自收到本检察建议书之日起两个月内依法履行职责并书面回复本院；情况紧急的，应当在十五日内书面回复。',
  },
  preservation: {
    requests: (f) => [
      `请求对被申请人${defendantNames(f)}在${f.incidents.map(window).join('、') || '泄露期间'}处理个人信息的服务器日志、访问日志、数据库操作记录、数据导出记录及个人同意记录，采取查封、复制或者勘验等保全措施；`,
      '请求责令被申请人在保全期间不得删除、修改、转移上述电子数据；',
      '请求对保全的电子数据计算并记录哈希值，以备核验其完整性。',
    ],
    reasons: (f) => [
      ...f.incidents.map((i) => ZH.incidentFacts(i)),
      `上述电子数据由被申请人控制，是证明个人信息处理行为、泄露原因及被申请人是否履行安全保护义务（${PIPL}第五十一条）的关键证据。电子数据易被删除、篡改，存在灭失或者以后难以取得的危险。`,
      `依照${CPL}第八十四条及《最高人民法院关于民事诉讼证据的若干规定》第二十五条至第二十七条的规定，特申请证据保全。`,
    ],
    undertaking: '申请人愿意依照人民法院的要求提供相应担保。',
    salutation: (court) => ['此致', court],
  },
  roster: {
    scope: (merged, author) =>
      merged
        ? `本名册为人民法院合并视图：列明本案各方当事人登记的全部群体成员，身份信息均已遮蔽。制作单位：${author}。`
        : `本名册仅列明${author}登记的群体成员及其登记的信息，身份信息均已遮蔽。`,
    columns: { no: '序号', klass: '群体', name: '姓名', idNumber: '身份证号码', basis: '依据', subclass: '分组', state: '状态', loss: '申报损失' },
    classColumns: { no: '群体', name: '名称', status: '状态', total: '成员总数', current: '现有成员', admitted: '已确认', excluded: '已排除', optedOut: '已退出' },
    noMembers: '本案尚无群体成员。',
  },
  report: {
    scope: (merged, author) =>
      merged
        ? `本报告依据人民法院合并视图计算（各方当事人登记的全部成员）。制作单位：${author}。`
        : `本报告仅依据${author}登记的成员及其登记的事实计算。`,
    classHeading: (no, name) => `群体${chineseNumber(no)}：${name}`,
    definition: (definition) => `群体定义：${definition}`,
    metricColumns: { metric: '指标', value: '数值' },
    metrics: {
      total: '成员总数（人）',
      current: '现有成员（人）',
      verified: '经核实成员（人）',
      verifiedShare: '核实比例',
      withoutEvidence: '无证据成员（人）',
      withoutHarm: '未申报损害成员（人）',
      lossMembers: '申报财产损失成员（人）',
      lossSum: '申报损失合计（元）',
      lossMedian: '申报损失中位数（元）',
      lossMax: '申报损失最高额（元）',
    },
    countColumns: { item: '类别', members: '人数', share: '比例' },
    byState: '按状态',
    bySubclass: '按分组',
    byBasis: '按依据',
    categories: '按信息类别',
    harms: '按损害类型',
    anomalyColumns: { kind: '异常类型', members: '人数' },
    decisionColumns: { date: '日期', kind: '决定', touched: '涉及人数', reason: '理由' },
    decisionsMore: (listed, total) => `以上列出前 ${listed} 项决定，共 ${total} 项。`,
    noDecisions: '尚无审查决定。',
    noClasses: '本案尚未组建群体。',
  },
  evidenceList: {
    scope: (merged, author) => (merged ? `本清单列明本案全部证据，由${author}制作。` : `本清单列明${author}提交的证据和人民法院已交换的证据。`),
    log: '每项证据的电子文件均已计算SHA-256哈希值并载入证据日志（RFC 9162默克尔树，树头经签名）；“日志位置”为其在日志中的序号，凭包含证明可以核验文件未被篡改。',
    columns: { no: '序号', title: '证据名称', source: '来源', proves: '证明对象', pages: '页数', sha256: 'SHA-256 哈希值', logIndex: '日志位置' },
    provesSeparator: '；',
    none: '暂无证据。',
  },
  remedySchedule: {
    scope: (merged, author) =>
      merged
        ? `本表依据人民法院合并视图制作：列明本案全部责任承担方式、各被告的赔偿责任及分配合计。制作单位：${author}。`
        : `本表列明本案的责任承担方式及各被告的赔偿责任；分配合计仅依据${author}登记的成员计算。`,
    headings: { remedies: '责任承担方式', measures: '履行措施', liability: (no) => `第${chineseNumber(no)}项赔偿：各被告责任`, distribution: '赔偿分配合计' },
    kind: { CESSATION: '停止侵害', APOLOGY: '赔礼道歉', ELIMINATING_IMPACT: '消除影响、恢复名誉', COMPENSATION: '赔偿损失' },
    status: { SOUGHT: '已请求', ORDERED: '已判决', SETTLED: '已调解', DISMISSED: '已驳回', IN_COMPLIANCE: '履行中', COMPLIED: '已履行', DEFAULTED: '未履行' },
    method: { LOSS: '按实际损失', GAIN: '按侵权获益', DISCRETIONARY: '酌定' },
    yes: '是',
    no: '否',
    verified: (verified, of) => `${verified}/${of}`,
    columns: { no: '序号', kind: '方式', status: '状态', statusOn: '状态日期', due: '履行期限', overdue: '逾期', measures: '已核实措施' },
    measureColumns: { remedy: '序号', measure: '措施及范围', due: '期限', verifiedOn: '核实日期', overdue: '逾期' },
    noRemedies: '本案尚未提出责任承担请求。',
    liabilityColumns: { defendant: '被告', basis: '责任依据', extent: '责任范围', answersFor: '承担金额（元）', paid: '已支付（元）', remaining: '尚欠（元）' },
    extent: (bp) => (bp === null ? '全部连带' : `${grouped(bp / 100, bp % 100 ? 2 : 0)}%`),
    liabilityTotals: (total, paid, outstanding) => `赔偿总额${yuan(total)}元，已支付${yuan(paid)}元，尚未支付${yuan(outstanding)}元。`,
    distributionBasis: (className, method, version) => `群体“${className}”：${method}计算，精神损害因素模型第 ${version} 版。`,
    distributionColumns: { subclass: '分组', members: '人数', property: '财产损失（元）', moral: '精神损害（元）', amount: '合计（元）' },
    total: '合计',
    noDistribution: '尚无已完成的赔偿核定。',
    perMemberElsewhere: '各成员的分配明细见分配明细表（XLSX），本表仅列分组合计。',
    sheet: { remedies: '责任方式', measures: '履行措施', liability: (no) => `赔偿${no}责任`, distribution: (no) => `分配${no}` },
  },
  datasetColumns: { no: '序号', source: '证据名称及来源', rows: '记录数', matched: '比对成员', sha256: 'SHA-256 哈希值' },
  datasetSheet: '证据清单',
  sheet: {
    roster: '名册',
    classes: '群体',
    metrics: (no) => `群体${no}指标`,
    counts: (no) => `群体${no}分类`,
    anomalies: (no) => `群体${no}异常`,
    decisions: (no) => `群体${no}决定`,
  },
};
