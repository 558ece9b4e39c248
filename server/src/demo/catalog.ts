import type { Bank, CurrencyCode, Region } from '@treasury/shared'
import type { Rng } from './prng.js'

/**
 * The fixed cast of the demo: regions, banks, the group's member companies and the people and firms
 * it trades with. Company and counterparty names are invented; banks, BICs, tax and social-insurance
 * authorities are real so that the data reads like a real group's.
 */

export const REGIONS = {
  zhoushan: { code: 'CN-ZJ-330900', country: 'CN', nameZh: '舟山', nameEn: 'Zhoushan' },
  hangzhou: { code: 'CN-ZJ-330100', country: 'CN', nameZh: '杭州', nameEn: 'Hangzhou' },
  ningbo: { code: 'CN-ZJ-330200', country: 'CN', nameZh: '宁波', nameEn: 'Ningbo' },
  shanghai: { code: 'CN-SH-310000', country: 'CN', nameZh: '上海', nameEn: 'Shanghai' },
  hongkong: { code: 'HK', country: 'HK', nameZh: '香港', nameEn: 'Hong Kong' },
  singapore: { code: 'SG', country: 'SG', nameZh: '新加坡', nameEn: 'Singapore' },
  frankfurt: { code: 'DE-HE-FRA', country: 'DE', nameZh: '法兰克福', nameEn: 'Frankfurt am Main' },
  tokyo: { code: 'JP-13', country: 'JP', nameZh: '东京', nameEn: 'Tokyo' },
} as const satisfies Record<string, Region>

export type RegionKey = keyof typeof REGIONS

export const DEMO_CURRENCIES = ['CNY', 'USD', 'HKD', 'EUR', 'SGD', 'JPY'] as const satisfies readonly CurrencyCode[]
export type DemoCurrency = (typeof DEMO_CURRENCIES)[number]

/** CNY per unit, roughly: to size amounts alike across currencies (never used to convert money). */
export const APPROX_CNY_PER_UNIT: Record<DemoCurrency, number> = { CNY: 1, USD: 7.1, HKD: 0.91, EUR: 7.8, SGD: 5.3, JPY: 0.047 }

export type BankKey = 'icbc' | 'boc' | 'ccb' | 'abc' | 'bocom' | 'cmb' | 'nbcb' | 'hsbc' | 'citi' | 'dbs' | 'db' | 'mufg'

export interface DemoBank extends Bank {
  key: BankKey
  /** End-of-day statement time in UTC ('HH:MM'): the bank's local evening cut-off. */
  eodUtc: string
  /** Prefix of the bank's entry references. */
  refPrefix: string
  /** A new account number (digits only) for a company in `region`. */
  accountNumber(rng: Rng, region: RegionKey, currency: DemoCurrency): string
}

const cnRegionCode = (region: RegionKey, codes: Partial<Record<RegionKey, string>>, fallback: string) => codes[region] ?? fallback

export const BANKS: readonly DemoBank[] = [
  {
    key: 'icbc', id: 'bnk_icbc', nameZh: '中国工商银行', nameEn: 'Industrial and Commercial Bank of China', bic: 'ICBKCNBJ', country: 'CN',
    eodUtc: '15:30', refPrefix: 'ICBC',
    // 19 digits: four of branch, then the ledger number.
    accountNumber: (rng, region) => cnRegionCode(region, { zhoushan: '1206', hangzhou: '1202', ningbo: '3901', shanghai: '1001' }, '1206') + rng.digits(15),
  },
  {
    key: 'boc', id: 'bnk_boc', nameZh: '中国银行', nameEn: 'Bank of China', bic: 'BKCHCNBJ', country: 'CN',
    eodUtc: '15:40', refPrefix: 'BOC',
    // 12 digits.
    accountNumber: (rng, region) => cnRegionCode(region, { zhoushan: '3588', hangzhou: '3660', ningbo: '3514', shanghai: '4378' }, '3588') + rng.digits(8),
  },
  {
    key: 'ccb', id: 'bnk_ccb', nameZh: '中国建设银行', nameEn: 'China Construction Bank', bic: 'PCBCCNBJ', country: 'CN',
    eodUtc: '15:30', refPrefix: 'CCB',
    // 20 digits: province 33 (Zhejiang) or 31 (Shanghai), branch, ledger.
    accountNumber: (rng, region) => cnRegionCode(region, { zhoushan: '33050163', hangzhou: '33050161', ningbo: '33150199', shanghai: '31050180' }, '33050163') + rng.digits(12),
  },
  {
    key: 'abc', id: 'bnk_abc', nameZh: '中国农业银行', nameEn: 'Agricultural Bank of China', bic: 'ABOCCNBJ', country: 'CN',
    eodUtc: '15:20', refPrefix: 'ABC',
    // 17 digits: 19 + branch + 040 + ledger.
    accountNumber: (rng, region) => '19' + cnRegionCode(region, { zhoushan: '5001', hangzhou: '0401', ningbo: '3901', shanghai: '0332' }, '5001') + '040' + rng.digits(8),
  },
  {
    key: 'bocom', id: 'bnk_bocom', nameZh: '交通银行', nameEn: 'Bank of Communications', bic: 'COMMCNSH', country: 'CN',
    eodUtc: '15:45', refPrefix: 'BCM',
    // 21 digits.
    accountNumber: (rng, region) => cnRegionCode(region, { zhoushan: '3790', hangzhou: '3310', ningbo: '3320', shanghai: '3100' }, '3790') + rng.digits(17),
  },
  {
    key: 'cmb', id: 'bnk_cmb', nameZh: '招商银行', nameEn: 'China Merchants Bank', bic: 'CMBCCNBS', country: 'CN',
    eodUtc: '15:50', refPrefix: 'CMB',
    // 15 digits beginning with the city's telephone area code.
    accountNumber: (rng, region) => cnRegionCode(region, { zhoushan: '580', hangzhou: '571', ningbo: '574', shanghai: '121' }, '580') + rng.digits(12),
  },
  {
    key: 'nbcb', id: 'bnk_nbcb', nameZh: '宁波银行', nameEn: 'Bank of Ningbo', bic: 'BKNBCN2N', country: 'CN',
    eodUtc: '15:35', refPrefix: 'NBCB',
    // 16 digits.
    accountNumber: (rng, region) => cnRegionCode(region, { ningbo: '7101', zhoushan: '7601', hangzhou: '7102', shanghai: '7001' }, '7101') + rng.digits(12),
  },
  {
    key: 'hsbc', id: 'bnk_hsbc', nameZh: '香港上海汇丰银行', nameEn: 'The Hongkong and Shanghai Banking Corporation', bic: 'HSBCHKHH', country: 'HK',
    eodUtc: '14:45', refPrefix: 'HK',
    // 12 digits: branch (3) + serial (6) + account-type suffix (3) by currency.
    accountNumber: (rng, _region, currency) =>
      rng.pick(['848', '500', '094', '652']) + rng.digits(6) + (({ HKD: '001', USD: '274', CNY: '209', EUR: '270' } as Partial<Record<DemoCurrency, string>>)[currency] ?? '838'),
  },
  {
    key: 'citi', id: 'bnk_citi', nameZh: '花旗银行（新加坡）', nameEn: 'Citibank N.A. Singapore', bic: 'CITISGSG', country: 'SG',
    eodUtc: '15:00', refPrefix: 'CITI',
    // 10 digits.
    accountNumber: (rng) => '08' + rng.digits(8),
  },
  {
    key: 'dbs', id: 'bnk_dbs', nameZh: '星展银行', nameEn: 'DBS Bank Ltd.', bic: 'DBSSSGSG', country: 'SG',
    eodUtc: '14:30', refPrefix: 'DBS',
    // 10 digits: 003 + serial.
    accountNumber: (rng) => '003' + rng.digits(7),
  },
  {
    key: 'db', id: 'bnk_db', nameZh: '德意志银行', nameEn: 'Deutsche Bank AG', bic: 'DEUTDEFF', country: 'DE',
    eodUtc: '20:30', refPrefix: 'DB',
    // 10-digit Kontonummer: 8-digit customer number + 2-digit sub-account.
    accountNumber: (rng, _region, currency) => '0' + rng.digits(7) + (currency === 'EUR' ? '00' : '01'),
  },
  {
    key: 'mufg', id: 'bnk_mufg', nameZh: '三菱日联银行', nameEn: 'MUFG Bank, Ltd.', bic: 'BOTKJPJT', country: 'JP',
    eodUtc: '13:00', refPrefix: 'MUFG',
    // Branch (3) + account (7).
    accountNumber: (rng) => rng.pick(['001', '017', '251']) + rng.digits(7),
  },
]

export const BANK_BY_KEY = Object.fromEntries(BANKS.map((b) => [b.key, b])) as Record<BankKey, DemoBank>

/** Deutsche Bank Frankfurt's Bankleitzahl, the BBAN prefix of its German IBANs. */
export const DEUTSCHE_BANK_BLZ = '50070010'

/** The bank whose feed stops early so the product has stale figures to show (see generate.ts). */
export const STALE_BANK_KEY: BankKey = 'citi'
export const STALE_DAYS = 2

export type Industry =
  | 'group' | 'holding' | 'shipping' | 'port' | 'logistics' | 'fisheries' | 'construction'
  | 'marine-engineering' | 'trading' | 'technology' | 'leasing' | 'ship-management' | 'bunkering'

export interface EntityTemplate {
  code: string
  parentCode: string | null
  nameZh: string
  nameEn: string
  region: RegionKey
  currency: DemoCurrency
  industry: Industry
  /** 1 small … 3 large: scales balances, volumes and the number of accounts. */
  size: 1 | 2 | 3
}

/** 舟山海洋集团: group → business/regional holdings → operating companies → their subsidiaries. */
export const GROUP_TREE: readonly EntityTemplate[] = [
  { code: 'ZOG', parentCode: null, nameZh: '舟山海洋集团有限公司', nameEn: 'Zhoushan Ocean Group Co., Ltd.', region: 'zhoushan', currency: 'CNY', industry: 'group', size: 3 },

  { code: 'ZOG-SHP', parentCode: 'ZOG', nameZh: '舟山海洋航运控股有限公司', nameEn: 'Zhoushan Ocean Shipping Holdings Co., Ltd.', region: 'zhoushan', currency: 'CNY', industry: 'holding', size: 3 },
  { code: 'ZOG-SHP-DS', parentCode: 'ZOG-SHP', nameZh: '舟山海洋远洋运输有限公司', nameEn: 'Zhoushan Ocean Deep-Sea Shipping Co., Ltd.', region: 'zhoushan', currency: 'CNY', industry: 'shipping', size: 3 },
  { code: 'ZOG-SHP-CS', parentCode: 'ZOG-SHP', nameZh: '舟山海洋沿海运输有限公司', nameEn: 'Zhoushan Ocean Coastal Shipping Co., Ltd.', region: 'zhoushan', currency: 'CNY', industry: 'shipping', size: 2 },
  { code: 'ZOG-SHP-SM', parentCode: 'ZOG-SHP', nameZh: '舟山海洋船舶管理（上海）有限公司', nameEn: 'Zhoushan Ocean Ship Management (Shanghai) Co., Ltd.', region: 'shanghai', currency: 'CNY', industry: 'ship-management', size: 2 },
  { code: 'ZOG-SHP-TK', parentCode: 'ZOG-SHP', nameZh: '舟山海洋油品运输（宁波）有限公司', nameEn: 'Zhoushan Ocean Tanker Shipping (Ningbo) Co., Ltd.', region: 'ningbo', currency: 'CNY', industry: 'shipping', size: 2 },

  { code: 'ZOG-PRT', parentCode: 'ZOG', nameZh: '舟山海洋港口物流有限公司', nameEn: 'Zhoushan Ocean Port & Logistics Co., Ltd.', region: 'zhoushan', currency: 'CNY', industry: 'holding', size: 3 },
  { code: 'ZOG-PRT-CT', parentCode: 'ZOG-PRT', nameZh: '舟山海洋集装箱码头有限公司', nameEn: 'Zhoushan Ocean Container Terminal Co., Ltd.', region: 'zhoushan', currency: 'CNY', industry: 'port', size: 3 },
  { code: 'ZOG-PRT-AG', parentCode: 'ZOG-PRT', nameZh: '舟山海洋船舶代理有限公司', nameEn: 'Zhoushan Ocean Shipping Agency Co., Ltd.', region: 'zhoushan', currency: 'CNY', industry: 'port', size: 1 },
  { code: 'ZOG-PRT-NB', parentCode: 'ZOG-PRT', nameZh: '舟山海洋物流（宁波）有限公司', nameEn: 'Zhoushan Ocean Logistics (Ningbo) Co., Ltd.', region: 'ningbo', currency: 'CNY', industry: 'logistics', size: 2 },
  { code: 'ZOG-PRT-SC', parentCode: 'ZOG-PRT', nameZh: '舟山海洋供应链管理（上海）有限公司', nameEn: 'Zhoushan Ocean Supply Chain Management (Shanghai) Co., Ltd.', region: 'shanghai', currency: 'CNY', industry: 'logistics', size: 2 },
  { code: 'ZOG-PRT-SC-CC', parentCode: 'ZOG-PRT-SC', nameZh: '舟山海洋冷链仓储（上海）有限公司', nameEn: 'Zhoushan Ocean Cold Chain Warehousing (Shanghai) Co., Ltd.', region: 'shanghai', currency: 'CNY', industry: 'logistics', size: 1 },

  { code: 'ZOG-FSH', parentCode: 'ZOG', nameZh: '舟山海洋渔业发展有限公司', nameEn: 'Zhoushan Ocean Fisheries Development Co., Ltd.', region: 'zhoushan', currency: 'CNY', industry: 'holding', size: 2 },
  { code: 'ZOG-FSH-DW', parentCode: 'ZOG-FSH', nameZh: '舟山海洋远洋渔业有限公司', nameEn: 'Zhoushan Ocean Distant-Water Fishing Co., Ltd.', region: 'zhoushan', currency: 'CNY', industry: 'fisheries', size: 2 },
  { code: 'ZOG-FSH-SP', parentCode: 'ZOG-FSH', nameZh: '舟山海洋水产品加工有限公司', nameEn: 'Zhoushan Ocean Seafood Processing Co., Ltd.', region: 'zhoushan', currency: 'CNY', industry: 'fisheries', size: 2 },
  { code: 'ZOG-FSH-HZ', parentCode: 'ZOG-FSH', nameZh: '舟山海洋水产贸易（杭州）有限公司', nameEn: 'Zhoushan Ocean Seafood Trading (Hangzhou) Co., Ltd.', region: 'hangzhou', currency: 'CNY', industry: 'trading', size: 1 },

  { code: 'ZOG-ENG', parentCode: 'ZOG', nameZh: '舟山海洋工程建设集团有限公司', nameEn: 'Zhoushan Ocean Engineering & Construction Group Co., Ltd.', region: 'zhoushan', currency: 'CNY', industry: 'holding', size: 3 },
  { code: 'ZOG-ENG-PW', parentCode: 'ZOG-ENG', nameZh: '舟山海洋港航工程有限公司', nameEn: 'Zhoushan Ocean Port & Waterway Engineering Co., Ltd.', region: 'zhoushan', currency: 'CNY', industry: 'construction', size: 3 },
  { code: 'ZOG-ENG-CE', parentCode: 'ZOG-ENG', nameZh: '舟山海洋建设工程有限公司', nameEn: 'Zhoushan Ocean Construction Engineering Co., Ltd.', region: 'zhoushan', currency: 'CNY', industry: 'construction', size: 2 },
  { code: 'ZOG-ENG-CE-NB', parentCode: 'ZOG-ENG-CE', nameZh: '舟山海洋建设（宁波）有限公司', nameEn: 'Zhoushan Ocean Construction (Ningbo) Co., Ltd.', region: 'ningbo', currency: 'CNY', industry: 'construction', size: 2 },
  { code: 'ZOG-ENG-CE-NB-LS', parentCode: 'ZOG-ENG-CE-NB', nameZh: '舟山海洋建筑劳务（宁波）有限公司', nameEn: 'Zhoushan Ocean Construction Labour Services (Ningbo) Co., Ltd.', region: 'ningbo', currency: 'CNY', industry: 'construction', size: 1 },
  { code: 'ZOG-ENG-CE-HZ', parentCode: 'ZOG-ENG-CE', nameZh: '舟山海洋建设（杭州）有限公司', nameEn: 'Zhoushan Ocean Construction (Hangzhou) Co., Ltd.', region: 'hangzhou', currency: 'CNY', industry: 'construction', size: 1 },
  { code: 'ZOG-ENG-SY', parentCode: 'ZOG-ENG', nameZh: '舟山海洋船舶修造有限公司', nameEn: 'Zhoushan Ocean Shipyard Co., Ltd.', region: 'zhoushan', currency: 'CNY', industry: 'marine-engineering', size: 3 },
  { code: 'ZOG-ENG-OE', parentCode: 'ZOG-ENG', nameZh: '舟山海洋海工装备有限公司', nameEn: 'Zhoushan Ocean Offshore Equipment Co., Ltd.', region: 'zhoushan', currency: 'CNY', industry: 'marine-engineering', size: 2 },

  { code: 'ZOG-INV', parentCode: 'ZOG', nameZh: '舟山海洋（杭州）投资管理有限公司', nameEn: 'Zhoushan Ocean (Hangzhou) Investment Management Co., Ltd.', region: 'hangzhou', currency: 'CNY', industry: 'holding', size: 2 },
  { code: 'ZOG-INV-DT', parentCode: 'ZOG-INV', nameZh: '舟山海洋数字科技（杭州）有限公司', nameEn: 'Zhoushan Ocean Digital Technology (Hangzhou) Co., Ltd.', region: 'hangzhou', currency: 'CNY', industry: 'technology', size: 1 },
  { code: 'ZOG-INV-FL', parentCode: 'ZOG-INV', nameZh: '舟山海洋融资租赁（上海）有限公司', nameEn: 'Zhoushan Ocean Financial Leasing (Shanghai) Co., Ltd.', region: 'shanghai', currency: 'CNY', industry: 'leasing', size: 2 },

  { code: 'ZOG-HK', parentCode: 'ZOG', nameZh: '舟山海洋（香港）控股有限公司', nameEn: 'Zhoushan Ocean (Hong Kong) Holdings Limited', region: 'hongkong', currency: 'HKD', industry: 'holding', size: 2 },
  { code: 'ZOG-HK-SHP', parentCode: 'ZOG-HK', nameZh: '舟山海洋航运（香港）有限公司', nameEn: 'Zhoushan Ocean Shipping (Hong Kong) Limited', region: 'hongkong', currency: 'USD', industry: 'shipping', size: 2 },
  { code: 'ZOG-HK-TRD', parentCode: 'ZOG-HK', nameZh: '舟山海洋贸易（香港）有限公司', nameEn: 'Zhoushan Ocean Trading (Hong Kong) Limited', region: 'hongkong', currency: 'HKD', industry: 'trading', size: 2 },
  { code: 'ZOG-HK-TRD-EU', parentCode: 'ZOG-HK-TRD', nameZh: '舟山海洋船务（欧洲）有限公司', nameEn: 'Zhoushan Ocean Shipping Europe GmbH', region: 'frankfurt', currency: 'EUR', industry: 'shipping', size: 1 },
  { code: 'ZOG-HK-TRD-JP', parentCode: 'ZOG-HK-TRD', nameZh: '舟山海洋日本株式会社', nameEn: 'Zhoushan Ocean Japan K.K.', region: 'tokyo', currency: 'JPY', industry: 'trading', size: 1 },

  { code: 'ZOG-SG', parentCode: 'ZOG', nameZh: '舟山海洋国际（新加坡）有限公司', nameEn: 'Zhoushan Ocean International (Singapore) Pte. Ltd.', region: 'singapore', currency: 'SGD', industry: 'holding', size: 2 },
  { code: 'ZOG-SG-SHP', parentCode: 'ZOG-SG', nameZh: '舟山海洋航运（新加坡）有限公司', nameEn: 'Zhoushan Ocean Shipping (Singapore) Pte. Ltd.', region: 'singapore', currency: 'USD', industry: 'shipping', size: 2 },
  { code: 'ZOG-SG-SHP-SM', parentCode: 'ZOG-SG-SHP', nameZh: '舟山海洋船舶管理（新加坡）有限公司', nameEn: 'Zhoushan Ocean Ship Management (Singapore) Pte. Ltd.', region: 'singapore', currency: 'SGD', industry: 'ship-management', size: 1 },
  { code: 'ZOG-SG-BNK', parentCode: 'ZOG-SG', nameZh: '舟山海洋船舶燃料（新加坡）有限公司', nameEn: 'Zhoushan Ocean Bunkering (Singapore) Pte. Ltd.', region: 'singapore', currency: 'USD', industry: 'bunkering', size: 2 },
]

/** Districts for the project and branch companies of the large scale, per region. */
export const DISTRICTS: Partial<Record<RegionKey, readonly (readonly [string, string])[]>> = {
  zhoushan: [['定海', 'Dinghai'], ['普陀', 'Putuo'], ['岱山', 'Daishan'], ['嵊泗', 'Shengsi'], ['六横', 'Liuheng'], ['金塘', 'Jintang'], ['衢山', 'Qushan'], ['朱家尖', 'Zhujiajian']],
  ningbo: [['北仑', 'Beilun'], ['镇海', 'Zhenhai'], ['鄞州', 'Yinzhou'], ['余姚', 'Yuyao'], ['慈溪', 'Cixi'], ['象山', 'Xiangshan'], ['梅山', 'Meishan'], ['宁海', 'Ninghai']],
  hangzhou: [['萧山', 'Xiaoshan'], ['余杭', 'Yuhang'], ['滨江', 'Binjiang'], ['临平', 'Linping'], ['富阳', 'Fuyang'], ['钱塘', 'Qiantang']],
  shanghai: [['浦东', 'Pudong'], ['闵行', 'Minhang'], ['宝山', 'Baoshan'], ['嘉定', 'Jiading'], ['临港', 'Lingang'], ['洋山', 'Yangshan'], ['金山', 'Jinshan']],
  hongkong: [['葵涌', 'Kwai Chung'], ['中环', 'Central'], ['尖沙咀', 'Tsim Sha Tsui'], ['观塘', 'Kwun Tong']],
  singapore: [['裕廊', 'Jurong'], ['巴西班让', 'Pasir Panjang'], ['丹戎巴葛', 'Tanjong Pagar'], ['大士', 'Tuas']],
}

/** What a large-scale project or branch company under an industry is called (zh, en). */
export const SUBSIDIARY_KINDS: Partial<Record<Industry, readonly (readonly [string, string])[]>> = {
  shipping: [['船务', 'Shipping'], ['航运', 'Maritime'], ['货运', 'Freight']],
  port: [['港务', 'Port Services'], ['码头', 'Terminal'], ['理货', 'Tally'], ['拖轮', 'Towage']],
  logistics: [['物流', 'Logistics'], ['仓储', 'Warehousing'], ['冷链', 'Cold Chain'], ['货代', 'Forwarding']],
  fisheries: [['水产', 'Aquatic Products'], ['渔业', 'Fishery'], ['冷冻食品', 'Frozen Foods']],
  construction: [['建设', 'Construction'], ['市政工程', 'Municipal Engineering'], ['路桥', 'Road & Bridge'], ['建筑劳务', 'Construction Labour']],
  'marine-engineering': [['船舶修造', 'Ship Repair'], ['海工', 'Offshore Engineering'], ['船舶配套', 'Marine Equipment']],
  trading: [['贸易', 'Trading'], ['进出口', 'Import & Export']],
  technology: [['信息技术', 'Information Technology']],
  leasing: [['租赁', 'Leasing']],
  'ship-management': [['船员管理', 'Crew Management'], ['船舶管理', 'Ship Management']],
  bunkering: [['燃料', 'Fuel']],
}

/** Construction projects (for the 农民工工资专用账户 each project must have). */
export const PROJECTS: readonly string[] = [
  '六横大桥', '金塘港区码头工程', '鱼山石化基地配套工程', '舟岱大桥接线工程', '梅山港区集装箱码头',
  '杭州湾新区污水处理厂', '沈家门渔港改造工程', '岱山经济开发区厂房工程', '定海海洋科学城一期', '普陀山游客中心',
  '北仑港区疏港公路', '衢山岛防波堤工程', '嵊泗洋山深水港配套工程', '朱家尖滨海大道', '镇海炼化仓储扩建工程',
  '萧山临空经济区物流园', '新城海景安置房', '舟山国际水产城冷库', '宁波舟山港主通道', '小干岛商务区市政道路',
]

/** Surnames and given-name characters for workers' names (农民工 paid from the wage accounts). */
export const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢'.split('')
export const GIVEN_CHARS = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红海文斌波辉鹏飞兵林春玉德福生永胜金成龙云峰'.split('')

/** Where workers hold the cards their wages go to: bank name and its debit-card BIN. */
export const WORKER_CARD_BANKS: readonly (readonly [string, string])[] = [
  ['中国农业银行', '622848'], ['中国工商银行', '622202'], ['中国建设银行', '621700'], ['中国银行', '621661'],
  ['中国邮政储蓄银行', '621799'], ['浙江农商银行', '621058'], ['交通银行', '622260'],
]

/** A named counterparty with a stable account and bank. */
export interface CounterpartyName {
  name: string
  /** Domestic bank name or the counterparty's BIC. */
  bank: string
}

const cn = (name: string, bank: string): CounterpartyName => ({ name, bank })

/** Chinese customers and suppliers per industry (invented companies at real banks' branches). */
export const DOMESTIC_PARTIES: Record<Industry, { customers: readonly CounterpartyName[]; suppliers: readonly CounterpartyName[] }> = {
  group: {
    customers: [cn('浙江海洋投资发展有限公司', '中国工商银行杭州分行'), cn('舟山群岛新区产业基金有限公司', '中国建设银行舟山分行')],
    suppliers: [cn('天衡会计师事务所（特殊普通合伙）浙江分所', '招商银行杭州分行'), cn('浙江星海律师事务所', '中国银行杭州分行'), cn('舟山市国有资产投资经营有限公司', '中国农业银行舟山分行')],
  },
  holding: {
    customers: [cn('浙江海洋投资发展有限公司', '中国工商银行杭州分行'), cn('舟山市国有资产投资经营有限公司', '中国农业银行舟山分行')],
    suppliers: [cn('浙江诚信企业管理咨询有限公司', '交通银行杭州分行'), cn('浙江星海律师事务所', '中国银行杭州分行')],
  },
  shipping: {
    customers: [
      cn('浙江东海石化贸易有限公司', '中国工商银行舟山分行'), cn('宁波北仑钢铁贸易有限公司', '宁波银行北仑支行'), cn('上海华东粮油进出口有限公司', '中国银行上海市分行'),
      cn('江苏沿江煤炭运销有限公司', '中国建设银行南通分行'), cn('福建闽海矿业进出口有限公司', '交通银行福州分行'), cn('山东鲁港国际物流有限公司', '中国农业银行青岛分行'),
      cn('浙江舟山大宗商品交易有限公司', '招商银行舟山分行'),
    ],
    suppliers: [
      cn('浙江海通船舶燃料有限公司', '中国工商银行舟山分行'), cn('舟山港兴船舶修理有限公司', '中国农业银行舟山分行'), cn('中海船舶物料供应（舟山）有限公司', '中国建设银行舟山分行'),
      cn('人保财险舟山市分公司', '中国工商银行舟山分行'), cn('舟山市船员服务中心', '中国银行舟山分行'), cn('宁波港引航服务有限公司', '宁波银行江北支行'),
    ],
  },
  port: {
    customers: [
      cn('中远海运集装箱运输（舟山）代理有限公司', '中国银行舟山分行'), cn('上海东港国际货运代理有限公司', '招商银行上海分行'), cn('宁波远东船务代理有限公司', '宁波银行鄞州支行'),
      cn('浙江舟山大宗商品交易有限公司', '招商银行舟山分行'), cn('浙江恒通国际物流有限公司', '中国工商银行杭州分行'),
    ],
    suppliers: [
      cn('国网浙江省电力有限公司舟山供电公司', '中国工商银行舟山分行'), cn('舟山港机设备维修有限公司', '中国农业银行舟山分行'), cn('浙江顺达人力资源服务有限公司', '交通银行舟山分行'),
      cn('中石化浙江舟山石油有限公司', '中国建设银行舟山分行'),
    ],
  },
  logistics: {
    customers: [
      cn('上海鲜港食品有限公司', '中国银行上海市分行'), cn('杭州联华冷链商贸有限公司', '杭州银行营业部'), cn('宁波国际物流发展有限公司', '宁波银行北仑支行'),
      cn('浙江天猫供应链管理有限公司', '招商银行杭州分行'), cn('上海华东粮油进出口有限公司', '中国银行上海市分行'),
    ],
    suppliers: [
      cn('浙江安运汽车运输有限公司', '中国农业银行宁波分行'), cn('上海临港仓储服务有限公司', '交通银行上海分行'), cn('国网上海市电力公司', '中国工商银行上海分行'),
      cn('中石化浙江宁波石油有限公司', '中国建设银行宁波分行'),
    ],
  },
  fisheries: {
    customers: [
      cn('上海鲜港食品有限公司', '中国银行上海市分行'), cn('杭州联华冷链商贸有限公司', '杭州银行营业部'), cn('舟山国际水产城经营管理有限公司', '中国农业银行舟山分行'),
      cn('浙江海味佳食品有限公司', '中国工商银行杭州分行'), cn('广东粤海水产品贸易有限公司', '中国建设银行广州分行'),
    ],
    suppliers: [
      cn('舟山沈家门渔港船舶燃料有限公司', '中国农业银行舟山分行'), cn('岱山县渔业捕捞合作社', '浙江农商银行岱山支行'), cn('舟山冷藏物流有限公司', '中国建设银行舟山分行'),
      cn('浙江华宇包装材料有限公司', '交通银行杭州分行'), cn('普陀渔船修造有限公司', '中国工商银行舟山分行'),
    ],
  },
  construction: {
    customers: [
      cn('舟山市交通投资集团有限公司', '中国工商银行舟山分行'), cn('宁波市城市建设投资发展有限公司', '中国建设银行宁波分行'), cn('舟山群岛新区城投集团有限公司', '中国农业银行舟山分行'),
      cn('杭州市城市基础设施建设发展中心', '中国银行杭州分行'), cn('浙江省海港投资运营集团有限公司', '交通银行杭州分行'),
    ],
    suppliers: [
      cn('浙江宏达钢材贸易有限公司', '中国工商银行杭州分行'), cn('舟山金塘商品混凝土有限公司', '中国农业银行舟山分行'), cn('宁波建工机械设备租赁有限公司', '宁波银行鄞州支行'),
      cn('浙江中天建材有限公司', '中国建设银行杭州分行'), cn('舟山正源建筑劳务有限公司', '浙江农商银行定海支行'), cn('浙江路通沥青有限公司', '交通银行宁波分行'),
    ],
  },
  'marine-engineering': {
    customers: [
      cn('中海油（舟山）海洋工程有限公司', '中国银行舟山分行'), cn('浙江东方海运有限公司', '中国工商银行舟山分行'), cn('上海沪东船务有限公司', '招商银行上海分行'),
      cn('宁波港海工服务有限公司', '宁波银行北仑支行'),
    ],
    suppliers: [
      cn('宝钢船板销售（宁波）有限公司', '中国建设银行宁波分行'), cn('江苏海工装备配套有限公司', '中国农业银行南通分行'), cn('浙江立邦船舶涂料有限公司', '交通银行杭州分行'),
      cn('舟山长宏船舶配件有限公司', '中国工商银行舟山分行'), cn('国网浙江省电力有限公司舟山供电公司', '中国工商银行舟山分行'),
    ],
  },
  trading: {
    customers: [
      cn('上海鲜港食品有限公司', '中国银行上海市分行'), cn('杭州联华冷链商贸有限公司', '杭州银行营业部'), cn('浙江海味佳食品有限公司', '中国工商银行杭州分行'),
      cn('北京京东世纪贸易有限公司', '招商银行北京分行'),
    ],
    suppliers: [cn('舟山国际水产城经营管理有限公司', '中国农业银行舟山分行'), cn('舟山冷藏物流有限公司', '中国建设银行舟山分行'), cn('杭州海关报关服务有限公司', '中国银行杭州分行')],
  },
  technology: {
    customers: [cn('舟山海洋港口物流有限公司', '中国工商银行舟山分行'), cn('浙江省海港投资运营集团有限公司', '交通银行杭州分行'), cn('宁波国际物流发展有限公司', '宁波银行北仑支行')],
    suppliers: [cn('阿里云计算有限公司', '招商银行杭州分行'), cn('杭州海康威视数字技术股份有限公司', '中国银行杭州分行'), cn('浙江数智软件外包有限公司', '杭州银行营业部')],
  },
  leasing: {
    customers: [cn('浙江东方海运有限公司', '中国工商银行舟山分行'), cn('舟山海峡轮渡有限公司', '中国农业银行舟山分行'), cn('宁波港海工服务有限公司', '宁波银行北仑支行')],
    suppliers: [cn('舟山长宏国际船舶修造有限公司', '中国银行舟山分行'), cn('上海振华港机销售有限公司', '交通银行上海分行')],
  },
  'ship-management': {
    customers: [cn('浙江东方海运有限公司', '中国工商银行舟山分行'), cn('上海华东粮油进出口有限公司', '中国银行上海市分行')],
    suppliers: [cn('上海海员劳务外派服务有限公司', '交通银行上海分行'), cn('中海船舶物料供应（舟山）有限公司', '中国建设银行舟山分行')],
  },
  bunkering: {
    customers: [cn('浙江东方海运有限公司', '中国工商银行舟山分行')],
    suppliers: [cn('中石化浙江舟山石油有限公司', '中国建设银行舟山分行')],
  },
}

const en = (name: string, bank: string): CounterpartyName => ({ name, bank })

/** Foreign customers and suppliers (invented companies; their banks by BIC). */
export const FOREIGN_PARTIES: { customers: readonly CounterpartyName[]; suppliers: readonly CounterpartyName[] } = {
  customers: [
    en('Pacific Basin Commodities Pte. Ltd.', 'DBSSSGSG'), en('Oriental Grain Trading Ltd.', 'HSBCHKHH'), en('Nordic Bulk Chartering A/S', 'DABADKKK'),
    en('Hanseatic Steel Trading GmbH', 'COBADEFF'), en('Sakura Seafood Trading Co., Ltd.', 'SMBCJPJT'), en('Golden Strait Energy Pte. Ltd.', 'OCBCSGSG'),
    en('Meridian Petrochemicals Ltd.', 'CHASUS33'), en('Kowloon Cold Chain Ltd.', 'BKCHHKHH'), en('Rhine Valley Foods GmbH', 'DEUTDEFF'), en('Andaman Ore Resources Pte. Ltd.', 'SCBLSGSG'),
  ],
  suppliers: [
    en('Straits Bunker Supply Pte. Ltd.', 'UOVBSGSG'), en('Global Marine Insurance Ltd.', 'HSBCHKHH'), en('Rotterdam Port Services B.V.', 'ABNANL2A'),
    en('Lion City Shipyard Pte. Ltd.', 'DBSSSGSG'), en('Hamburg Marine Spares GmbH', 'HYVEDEMM'), en('Osaka Marine Equipment K.K.', 'BOTKJPJT'),
    en('Victoria Harbour Agencies Ltd.', 'HSBCHKHH'), en('Atlantic P&I Services Ltd.', 'BARCGB22'), en('Panama Canal Transit Agency S.A.', 'CITIUS33'),
  ],
}

/** Real authorities taxes and social insurance are paid to, per Chinese region. */
export const AUTHORITIES: Partial<Record<RegionKey, { tax: string; social: string; treasuryBank: string }>> = {
  zhoushan: { tax: '国家税务总局舟山市税务局', social: '舟山市社会保险事业管理中心', treasuryBank: '国家金库舟山市中心支库' },
  hangzhou: { tax: '国家税务总局杭州市税务局', social: '杭州市社会保险管理服务中心', treasuryBank: '国家金库杭州市中心支库' },
  ningbo: { tax: '国家税务总局宁波市税务局', social: '宁波市社会保险管理服务中心', treasuryBank: '国家金库宁波市中心支库' },
  shanghai: { tax: '国家税务总局上海市税务局', social: '上海市社会保险事业管理中心', treasuryBank: '国家金库上海分库' },
}

/** What money in and out is for, per industry (Chinese accounts) … */
export const DOMESTIC_PURPOSES: Record<Industry, { in: readonly string[]; out: readonly string[] }> = {
  group: { in: ['投资收益', '资金往来', '借款归还', '股权转让款'], out: ['资金往来', '审计费', '法律服务费', '借款'] },
  holding: { in: ['投资收益', '资金往来', '借款归还'], out: ['资金往来', '咨询服务费', '借款'] },
  shipping: { in: ['运费', '租船费', '滞期费', '包运合同运费'], out: ['船用燃油款', '港口使费', '船舶修理费', '保险费', '物料备件款', '引航费', '船舶检验费'] },
  port: { in: ['港口使费', '装卸费', '堆存费', '码头作业费', '代理费'], out: ['设备维修费', '电费', '劳务外包费', '燃料款'] },
  logistics: { in: ['仓储费', '物流服务费', '运输费', '冷链仓储费', '货代费'], out: ['运输费', '仓储租金', '电费', '车辆燃油费', '外包运输费'] },
  fisheries: { in: ['水产品货款', '冻品货款', '鱼粉货款'], out: ['渔获收购款', '燃油款', '冷藏费', '包装材料款', '渔船维修费'] },
  construction: { in: ['工程进度款', '工程预付款', '工程结算款', '质保金返还'], out: ['材料款', '钢材款', '混凝土款', '设备租赁费', '分包工程款'] },
  'marine-engineering': { in: ['船舶修理款', '造船进度款', '海工设备款'], out: ['钢材款', '设备采购款', '分包款', '涂料款', '电费'] },
  trading: { in: ['货款', '销售回款'], out: ['采购货款', '运费', '报关费'] },
  technology: { in: ['软件服务费', '技术服务费', '系统维护费'], out: ['云服务费', '软件采购款', '外包开发费'] },
  leasing: { in: ['融资租赁租金', '租赁保证金'], out: ['租赁物购置款', '融资利息'] },
  'ship-management': { in: ['船舶管理费', '船员服务费'], out: ['船员劳务费', '物料款'] },
  bunkering: { in: ['燃油款'], out: ['燃料油采购款'] },
}

/** … and for foreign-currency and overseas accounts. */
export const FOREIGN_PURPOSES: { in: readonly string[]; out: readonly string[] } = {
  in: ['Freight payment', 'Charter hire', 'Demurrage', 'Invoice payment', 'Bunker sale', 'Seafood export proceeds', 'Agency fee'],
  out: ['Bunker supply', 'Port charges', 'Charter hire', 'Marine insurance premium', 'Ship repair', 'Invoice settlement', 'Spare parts', 'Canal transit dues'],
}
