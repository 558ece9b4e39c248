import { StatementParseError, type ParsedFile, type Statement } from '@treasury/shared'
import { describe, expect, it } from 'vitest'
import { statementCurrencyExponent } from './currency.js'
import { parseStatementFile } from './index.js'
import { decimalMinor, fixture, fixtureJson, numberMinor, statementFixtures } from './test-support.js'

function parse(path: string, format: 'auto' | 'mt940' | 'mt942' = 'auto'): ParsedFile {
  return parseStatementFile(fixture(path), format)
}

function parseText(text: string, format: 'auto' | 'mt940' | 'mt942' = 'auto'): ParsedFile {
  return parseStatementFile(new TextEncoder().encode(text), format)
}

const balance = (s: Statement, type: string) => s.balances.find((b) => b.type === type)

// ---------------------------------------------------------------------------------------------
// svenstaro/mt940-rs: a JSON dump of every message next to the .sta file.
// ---------------------------------------------------------------------------------------------

interface RsBalance {
  is_intermediate: boolean
  debit_credit_indicator: 'Credit' | 'Debit'
  date: string
  iso_currency_code: string
  amount: string
}
interface RsLine {
  value_date: string
  entry_date: string | null
  ext_debit_credit_indicator: 'Credit' | 'Debit' | 'ReverseCredit' | 'ReverseDebit'
  funds_code: string | null
  amount: string
  transaction_type_ident_code: string | { NonStandard: string }
  customer_ref: string
  bank_ref: string | null
  information_to_account_owner: string | GvcInfo | null
}
/** mt940-rs's reading of a German structured :86:. */
interface GvcInfo {
  transaction_code: string
  purpose?: string
  applicant_bin?: string
  applicant_iban?: string
  applicant_name?: string
  additional_purpose?: string
}
interface RsMessage {
  transaction_ref_no: string
  account_id: string
  statement_no: string
  sequence_no: string | null
  opening_balance: RsBalance
  statement_lines: RsLine[]
  closing_balance: RsBalance
  closing_available_balance: RsBalance | null
  forward_available_balance: RsBalance | null
}

function rsMinor(b: RsBalance): bigint {
  const minor = decimalMinor(b.amount, statementCurrencyExponent(b.iso_currency_code)!)
  return b.debit_credit_indicator === 'Debit' ? -minor : minor
}

/** Messages continuing a statement (:60M: after :62M:) are one statement in our model. */
function groupPages(messages: RsMessage[]): RsMessage[][] {
  const groups: RsMessage[][] = []
  for (const message of messages) {
    const last = groups.at(-1)?.at(-1)
    if (last && message.opening_balance.is_intermediate && last.closing_balance.is_intermediate && last.account_id === message.account_id) {
      groups.at(-1)!.push(message)
    } else {
      groups.push([message])
    }
  }
  return groups
}

const RS_CASES = statementFixtures('mt940/svenstaro_mt940-rs').filter((p) => !p.includes('special-cases') && !p.includes('broken'))

describe('MT940 fixtures of svenstaro/mt940-rs match their JSON', () => {
  it.each(RS_CASES)('%s', (path) => {
    const expected = fixtureJson<RsMessage[]>(path.replace(/\.sta$/, '.json'))
    const file = parse(path)
    expect(file.format).toBe('mt940')
    const groups = groupPages(expected)
    expect(file.statements).toHaveLength(groups.length)
    groups.forEach((pages, index) => {
      const statement = file.statements[index]!
      const first = pages[0]!
      const last = pages.at(-1)!
      // mt940-rs's JSON was produced after its sanitizer: SWIFT charset, :86: cut to 6 lines.
      expect(swiftCharset(statement.id)).toBe(first.transaction_ref_no)
      expect(statement.currency).toBe(first.opening_balance.iso_currency_code)
      expect(balance(statement, 'OPBD')).toMatchObject({ amount: rsMinor(first.opening_balance), date: first.opening_balance.date })
      expect(balance(statement, 'CLBD')).toMatchObject({ amount: rsMinor(last.closing_balance), date: last.closing_balance.date })
      if (last.closing_available_balance) {
        expect(balance(statement, 'CLAV')).toMatchObject({ amount: rsMinor(last.closing_available_balance), date: last.closing_available_balance.date })
      }
      if (last.forward_available_balance) {
        expect(balance(statement, 'FWAV')).toMatchObject({ amount: rsMinor(last.forward_available_balance), date: last.forward_available_balance.date })
      }
      // The account id as written, once the blanks and currency suffix the bank added are dropped.
      const { iban, number, bic } = statement.account
      const written = first.account_id.replace(/\s+/g, '')
      expect(written).toContain((iban ?? number ?? '').replace(/\s+/g, ''))
      if (bic) expect(written.startsWith(bic)).toBe(true)

      const lines = pages.flatMap((p) => p.statement_lines)
      expect(statement.entries).toHaveLength(lines.length)
      lines.forEach((line, i) => {
        const entry = statement.entries[i]!
        const minor = decimalMinor(line.amount, statementCurrencyExponent(statement.currency)!)
        // mt940-rs names the posting side: RC (reversal of a credit) is "ReverseDebit", a debit entry.
        const credit = line.ext_debit_credit_indicator === 'Credit' || line.ext_debit_credit_indicator === 'ReverseCredit'
        expect(entry.amount, `entry ${i} amount`).toBe(credit ? minor : -minor)
        expect(entry.reversal).toBe(line.ext_debit_credit_indicator.startsWith('Reverse'))
        expect(entry.valueDate).toBe(line.value_date)
        expect(entry.bookingDate).toBe(line.entry_date ?? line.value_date)
        const code = line.transaction_type_ident_code
        // mt940-rs keeps the identification code without its N/F/S prefix.
        expect(entry.bankTransactionCode.swift?.slice(1)).toBe(typeof code === 'string' ? code : code.NonStandard)
        expect(swiftCharset(entry.references.customer)).toBe(line.customer_ref.trim() === 'NONREF' ? '' : line.customer_ref.trim())
        expect(swiftCharset(entry.references.servicer)).toBe(line.bank_ref === 'NONREF' ? '' : (line.bank_ref ?? ''))
        const info = line.information_to_account_owner
        if (typeof info === 'string') {
          const firstSix = (entry.additionalInfo ?? '').split('\n').slice(0, 6).join('\n')
          // Several :86: in a row are joined without a separator there, with "\n" here.
          expect(swiftCharset(firstSix).replace(/\s+/g, '')).toBe(info.replace(/\s+/g, ''))
        } else if (info) {
          expect(entry.bankTransactionCode.proprietary).toBe(info.transaction_code)
          expect(entry.counterparty.agent).toBe(info.applicant_bin)
          expect(entry.counterparty.account).toBe(info.applicant_iban)
          expect(swiftCharset(entry.counterparty.name) || undefined).toBe(info.applicant_name === undefined ? undefined : squash(info.applicant_name))
          // Our purpose also takes the ?60–?63 continuation that mt940-rs files as additional_purpose.
          expect(squash(`${info.purpose ?? ''}${info.additional_purpose ?? ''}`)).toContain(squash(swiftCharset(entry.remittance)))
        }
      })
    })
  })
})

function squash(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim()
}

/** mt940-rs's `to_swift_charset`: letters lose their accents (ß → ss), other non-SWIFT characters become ".". */
function swiftCharset(text: string | undefined): string {
  return (text ?? '')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9/\-?:().,+{} \n]/g, '.')
}

// ---------------------------------------------------------------------------------------------
// webschik/mt940-js: JSON with JS-number amounts (the library's `id` hash is ignored).
// ---------------------------------------------------------------------------------------------

interface JsBalance {
  isCredit: boolean
  date: string
  currency: string
  value: number
}
interface JsStatement {
  referenceNumber: string
  accountId: string
  openingBalance: JsBalance
  closingBalance: JsBalance
  closingAvailableBalance?: JsBalance
  forwardAvailableBalance?: JsBalance
  transactions: {
    code: string
    isCredit: boolean
    amount: number
    valueDate: string
    entryDate: string
    customerReference: string
    bankReference: string
  }[]
}

const jsMinor = (b: JsBalance) => {
  const minor = numberMinor(b.value, statementCurrencyExponent(b.currency)!)
  return b.isCredit ? minor : -minor
}

describe('MT940 fixtures of webschik/mt940-js match their JSON', () => {
  it.each(statementFixtures('mt940/webschik_mt940-js'))('%s', (path) => {
    const expected = fixtureJson<JsStatement[]>(path.replace(/\.(mta|STA)$/, '.json'))
    const file = parse(path)
    const entries = file.statements.flatMap((s) => s.entries)
    const transactions = expected.flatMap((s) => s.transactions)
    expect(entries).toHaveLength(transactions.length)
    transactions.forEach((t, i) => {
      const entry = entries[i]!
      const minor = numberMinor(t.amount, 2)
      expect(entry.amount).toBe(t.isCredit ? minor : -minor)
      expect(entry.valueDate).toBe(t.valueDate)
      if (t.entryDate) expect(entry.bookingDate).toBe(t.entryDate)
      expect(entry.bankTransactionCode.swift).toBe(t.code)
      expect(entry.references.customer ?? '').toBe(t.customerReference)
      expect(entry.references.servicer ?? '').toBe(t.bankReference)
    })
    // Pages of one statement are merged, so compare the first opening and last closing of each.
    expect(balance(file.statements[0]!, 'OPBD')!.amount).toBe(jsMinor(expected[0]!.openingBalance))
    expect(balance(file.statements.at(-1)!, 'CLBD')!.amount).toBe(jsMinor(expected.at(-1)!.closingBalance))
    const openings = new Set(expected.map((s) => `${s.openingBalance.date}|${jsMinor(s.openingBalance)}`))
    const closings = new Set(expected.map((s) => `${s.closingBalance.date}|${jsMinor(s.closingBalance)}`))
    for (const statement of file.statements) {
      const opening = balance(statement, 'OPBD')!
      const closing = balance(statement, 'CLBD')!
      expect(openings.has(`${opening.date}|${opening.amount}`)).toBe(true)
      expect(closings.has(`${closing.date}|${closing.amount}`)).toBe(true)
    }
    const last = expected.at(-1)!
    if (last.closingAvailableBalance) expect(balance(file.statements.at(-1)!, 'CLAV')!.amount).toBe(jsMinor(last.closingAvailableBalance))
    if (last.forwardAvailableBalance) {
      const forwards = file.statements.at(-1)!.balances.filter((b) => b.type === 'FWAV')
      expect(forwards.at(-1)).toMatchObject({ amount: jsMinor(last.forwardAvailableBalance), date: last.forwardAvailableBalance.date })
    }
  })
})

// ---------------------------------------------------------------------------------------------
// Fixtures whose expected values live in the upstream projects' test code (jejik-mt940 PHPUnit,
// zilverline RSpec); the numbers below are those assertions, checked against the files.
// ---------------------------------------------------------------------------------------------

describe('MT940 fixtures checked against upstream assertions', () => {
  it('Commerzbank: blank before the type, GVC 109 return with SEPA keywords', () => {
    const [s] = parse('mt940/sandermarechal_jejik-mt940/commerzbank.txt').statements
    expect(s!.account).toEqual({ number: '25040066/0123456789' })
    expect(s!.entries).toHaveLength(1)
    const e = s!.entries[0]!
    expect(e).toMatchObject({ amount: -1235n, valueDate: '2020-06-08', bookingDate: '2020-06-08', currency: 'EUR' })
    expect(e.bankTransactionCode).toEqual({ swift: 'NRTI', proprietary: '109' })
    expect(e.references).toEqual({ customer: 'KREF+', servicer: '2016021783252833', endToEnd: 'A1.200080779.400143254.4961336' })
    expect(e.counterparty).toEqual({ agent: 'CSDBDE71XXX', account: 'DE50712345600200691329', name: 'TESTEREL' })
    expect(e.remittance).toBe('SONSTIGE GRUENDE ENDABRECHNUNG NR. 500106875 ZU VERTRA400143254, KUNDENNUM MER 202227779')
  })

  it('Deutsche Bank (CRLF) parses like Commerzbank; a ":KO:NR:" continuation is text, not a tag', () => {
    const [s] = parse('mt940/sandermarechal_jejik-mt940/deutschebank.txt').statements
    expect(s!.entries[0]!.amount).toBe(-1235n)
    const bug = parse('mt940/sandermarechal_jejik-mt940/bug-core-5401.txt')
    expect(bug.warnings.filter((w) => w.code === 'mt-unknown-tag')).toEqual([])
    const entry = bug.statements[0]!.entries[0]!
    expect(entry.amount).toBe(5000n)
    expect(entry.remittance).toBe('VERTR:KO:NR:401113172APRIL 2021')
    expect(entry.counterparty).toEqual({ agent: 'DEUTDEDB237', account: 'DE93230707000621787100', name: 'XXXXXXA MXXXXXX' })
  })

  it('LBBW: :21:NONREF, 0,01 amounts, NCMZ/NCOL', () => {
    const [s] = parse('mt940/sandermarechal_jejik-mt940/lbbw.txt').statements
    expect(s!.sequence).toBe('1')
    expect(s!.entries.map((e) => [e.amount, e.bankTransactionCode.swift, e.bankTransactionCode.proprietary])).toEqual([
      [-1n, 'NCMZ', '834'],
      [1n, 'NCOL', '171'],
    ])
    expect(s!.reconciliation).toMatchObject({ checked: true, ok: true })
  })

  it('Oldenburgische Landesbank: a corrupt :65F: and no :62F: are warnings, the entry stays', () => {
    for (const path of ['oldenburgischelandesbank2.txt', 'K4262927_20200905-080000-952.txt']) {
      const file = parse(`mt940/sandermarechal_jejik-mt940/${path}`)
      expect(file.warnings.map((w) => w.code)).toEqual(['mt-unreadable-balance', 'mt-missing-closing-balance'])
      expect(file.statements[0]!.entries).toHaveLength(1)
      expect(file.statements[0]!.reconciliation.checked).toBe(false)
    }
    const olb = parse('mt940/sandermarechal_jejik-mt940/oldenburgischelandesbank2.txt').statements[0]!
    expect(olb.entries[0]).toMatchObject({ amount: 23000n, valueDate: '2020-09-04' })
    expect(olb.account).toEqual({ iban: 'DE19662800530622160900' })
  })

  it('OLB with hyphens: "-Nr." continuation lines are :86: text, not message ends', () => {
    const [s] = parse('mt940/sandermarechal_jejik-mt940/oldenburgischelandesbankmitbindestrich.txt').statements
    expect(s!.entries[0]!.remittance).toBe('Kunden-Nr. 20389020 Vertrags-Nr. 1000620785')
    expect(s!.entries[0]!.counterparty.name).toBe('Projektgemeinschaft XXXXXX+ XXXXXXGmbH + Co. KG')
  })

  it('Volksbanken Raiffeisenbanken: 8 statements, :61: without entry date and reference', () => {
    const file = parse('mt940/sandermarechal_jejik-mt940/volksbankenraiffeisenbanken.txt')
    expect(file.statements).toHaveLength(8)
    expect(file.statements.flatMap((s) => s.entries)).toHaveLength(12)
    expect(file.warnings).toEqual([])
    const e = file.statements.flatMap((s) => s.entries).find((x) => x.valueDate === '2020-02-19')!
    expect(e).toMatchObject({ amount: 6500n, bookingDate: '2020-02-19' })
    expect(e.references.customer).toBeUndefined()
  })

  it('Sparkasse: UTF-8 ß, CRLF and LF variants', () => {
    const crlf = parse('mt940/sandermarechal_jejik-mt940/sparkasse.txt')
    expect(crlf.statements).toHaveLength(2)
    expect(crlf.statements.flatMap((s) => s.entries.map((e) => e.additionalInfo ?? '')).join(' ')).toContain('ß')
    const interim = parse('mt940/sandermarechal_jejik-mt940/sparkasse_interim_balance.txt')
    expect(interim.statements).toHaveLength(3)
    expect(interim.statements.some((s) => balance(s, 'CLAV'))).toBe(true)
  })

  it('ING with SWIFT blocks and CRLF, statement-level :86: after :62F:', () => {
    const file = parse('mt940/sandermarechal_jejik-mt940/ing-dos.txt')
    const [s] = file.statements
    expect(s!.entries).toHaveLength(7)
    expect(s!.entries.map((e) => e.bankTransactionCode.swift)).toEqual(['NOV', 'NOV', 'NGT', 'NGM', 'NGT', 'NVZ', 'NGT'])
    expect(s!.entries[2]!.references.customer).toBe('TMG TANGO')
    expect(s!.additionalInfo).toBe('D000004C000002D25,24C28,71')
    expect(balance(s!, 'CLBD')!.amount).toBe(347n)
  })

  it('Triodos: ">"-separated sub-fields', () => {
    const [s] = parse('mt940/sandermarechal_jejik-mt940/triodos.txt').statements
    expect(s!.account).toEqual({ bic: 'TRIODOSBANK', number: '0390123456' })
    expect(s!.entries[0]).toMatchObject({ amount: -1570n, remittance: 'ALGEMENE TUSSENREKENING KOSTEN VAN 01-10-2010 TOT EN MET 31-12-2010' })
    expect(s!.entries[0]!.counterparty.account).toBe('0390123456')
  })

  it('Van Lanschot: preamble lines, "-XXX" terminators, /TRTP/ structured :86:, padded :25:', () => {
    const file = parse('mt940/zilverline_mt940/van_lanschot/van_lanschot.txt')
    expect(file.statements).toHaveLength(3)
    expect(file.statements[0]!.account).toEqual({ number: '0878787878' })
    const e = file.statements[0]!.entries[0]!
    expect(e).toMatchObject({ amount: 271676n, valueDate: '2014-01-10' })
    expect(e.counterparty).toEqual({ account: 'NL81RABO0444444444', agent: 'RABONL2U', name: 'ABDFGEKSLJFN ASLDJDKE B.V' })
    expect(e.remittance).toBe('201400-001')
    expect(e.references.endToEnd).toBe('333333333')
    expect(file.statements.every((s) => s.reconciliation.ok && s.reconciliation.checked)).toBe(true)
  })

  it('Moneyou: BIC/940/BIC preamble, zero-padded amounts, entry date in the previous year', () => {
    const [s] = parse('mt940/zilverline_mt940/abn/moneyou.txt').statements
    expect(balance(s!, 'OPBD')).toEqual({ type: 'OPBD', amount: 4311971n, date: '2018-12-31' })
    expect(s!.entries.map((e) => [e.amount, e.valueDate, e.bookingDate])).toEqual([
      [644n, '2019-01-01', '2018-12-31'],
      [532n, '2019-04-01', '2019-03-29'],
    ])
    expect(s!.entries[0]!.references.customer).toBe('0987654321')
  })

  it('Knab: entry date 1229 of value date 140101 is 2013-12-29; IBAN with blanks', () => {
    const [s] = parse('mt940/zilverline_mt940/knab/knab_date_and_accounting_date_different_year.txt').statements
    expect(s!.account).toEqual({ iban: 'NL92KNAB0123456789' })
    expect(s!.entries[0]).toMatchObject({ amount: 100000n, valueDate: '2014-01-01', bookingDate: '2013-12-29' })
    expect(s!.entries[0]!.references.servicer).toBe('ABC9886658908791')
  })

  it('Rabobank legacy: ":940:" header, Ctrl-Z, two accounts, several :86: per :61:, dotted account + currency', () => {
    const file = parse('mt940/zilverline_mt940/two_accounts.txt')
    expect(file.statements.map((s) => s.account.number)).toEqual(['1567.50.961', '9914.30.727', '3462.483.153', '1325.76.155'])
    const second = file.statements[0]!.entries[1]!
    expect(second.additionalInfo).toBe('BETALINGSKENM.  3010675705\nGOOGLE GOOG6291713437\n1402786401')
    expect(file.statements[0]!.entries[0]).toMatchObject({ amount: -609875n, references: { customer: 'P002445588' } })
    expect(file.statements[3]!.balances[0]).toEqual({ type: 'OPBD', amount: -1200n, date: '2012-10-26' })
    expect(file.warnings).toEqual([])
  })

  it('Rabobank debit opening and closing balance without entries', () => {
    const [s] = parse('mt940/zilverline_mt940/rabobank_with_debet_previous_balance.txt').statements
    expect(s!.entries).toEqual([])
    expect(s!.balances.map((b) => b.amount < 0n)).toEqual([true, true])
    expect(s!.reconciliation.ok).toBe(true)
  })

  it('ING IBAN format: envelope on separate lines, /CNTP/ and /REMI/USTD// wrapped mid-token, IBAN+EUR account', () => {
    const [s] = parse('mt940/zilverline_mt940/ing/mt940_iban.txt').statements
    expect(s!.account).toEqual({ iban: 'NL68INGB0000012345' })
    expect(s!.entries).toHaveLength(21)
    const e = s!.entries[0]!
    expect(e.counterparty).toEqual({ account: 'NL57ABNA0876543211', agent: 'ABNANL2A', name: 'B Bert' })
    expect(e.remittance).toBe('22-08-2014 Omschrijving')
    expect(s!.reconciliation).toMatchObject({ checked: true, ok: true })
  })

  it('Deutsche Bank (zilverline): GVC 166/171 and a final :62M: without its next page', () => {
    const file = parse('mt940/zilverline_mt940/deutsche_bank.txt')
    expect(file.statements[0]!.entries.map((e) => e.bankTransactionCode.proprietary)).toEqual(['166', '171'])
    expect(file.warnings.map((w) => w.code)).toContain('mt-intermediate-balance')
  })

  it('SNS: 16 messages with envelopes', () => {
    const file = parse('mt940/zilverline_mt940/sns/sns.txt')
    expect(file.statements).toHaveLength(16)
    expect(file.statements.flatMap((s) => s.entries)).toHaveLength(4)
    expect(file.statements.every((s) => s.reconciliation.ok)).toBe(true)
  })

  it('lenient special cases: unknown tag warns, overlong :86:, :61: without reference', () => {
    const unknown = parse('mt940/svenstaro_mt940-rs/special-cases/unknown_tag.sta')
    expect(unknown.warnings).toContainEqual(expect.objectContaining({ code: 'mt-unknown-tag', line: 9 }))
    expect(parse('mt940/svenstaro_mt940-rs/special-cases/overly_long_details.sta').statements[0]!.entries).toHaveLength(1)
    const incomplete = parse('mt940/svenstaro_mt940-rs/special-cases/incomplete_tag_61.sta').statements[0]!.entries[0]!
    expect(incomplete).toMatchObject({ amount: -23315n, bankTransactionCode: { swift: 'NMSC', proprietary: '105' } })
    expect(incomplete.references.customer).toBeUndefined()
  })

  it('latin-1 bytes that are not UTF-8 decode (Raiffeisen HU, BIC/account/currency)', () => {
    const [s] = parse('mt940/svenstaro_mt940-rs/special-cases/invalid_utf8.sta').statements
    expect(s!.account).toEqual({ bic: 'UBRTHUHB', number: '123456789150ABCDEF002' })
    expect(s!.currency).toBe('HUF')
    expect(s!.entries).toHaveLength(7)
    expect(s!.entries[0]!.additionalInfo).toContain('HUNGARY KFT.')
    expect(s!.entries[0]!.amount).toBe(206663700n)
  })
})

// ---------------------------------------------------------------------------------------------
// Deliberately invalid files: rejected with the line that is wrong.
// ---------------------------------------------------------------------------------------------

describe('invalid MT940 files are rejected with their line', () => {
  const cases: [string, number, RegExp][] = [
    ['mt940/svenstaro_mt940-rs/special-cases/february_30.sta', 6, /"160230" is not a calendar date/],
    ['mt940/svenstaro_mt940-rs/special-cases/invalid_statement.sta', 1, /no :20:/],
    ['mt940/svenstaro_mt940-rs/special-cases/unexpected_tag.sta', 2, /no :25: account/],
    ['mt940/svenstaro_mt940-rs/betterplace/sepa_snippet_broken.sta', 6, /unexpected :25:/],
    ['mt940/svenstaro_mt940-rs/jejik/knab_broken.sta', 17, /:61: statement line .* could not be read/],
  ]
  it.each(cases)('%s → line %i', (path, line, message) => {
    let error: unknown
    try {
      parse(path, 'mt940')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(StatementParseError)
    const parseError = error as StatementParseError
    expect(parseError.format).toBe('mt940')
    expect(parseError.line).toBe(line)
    expect(parseError.message).toMatch(new RegExp(`^mt940 line ${line}: `))
    expect(parseError.message).toMatch(message)
  })
})

// ---------------------------------------------------------------------------------------------
// Field-level rules on small inline statements.
// ---------------------------------------------------------------------------------------------

const wrap = (lines: string[]) => `${lines.join('\r\n')}\r\n`

describe(':61: and framing rules', () => {
  const head = [':20:REF', ':25:DE89370400440532013000', ':28C:1/1', ':60F:C240101EUR100,00']

  it('RC/RD are reversals (RC is a debit); DR/CR are D/C with funds code R', () => {
    const file = parseText(
      wrap([
        ...head,
        ':61:2401020102RC10,00NTRFNONREF',
        ':61:2401020102RD5,00NTRFNONREF',
        ':61:2401020102DR1,00NTRFNONREF',
        ':61:2401020102CR2,50NTRFNONREF',
        ':62F:C240102EUR96,50',
        '-',
      ]),
    )
    const [s] = file.statements
    expect(s!.entries.map((e) => [e.amount, e.reversal])).toEqual([
      [-1000n, true],
      [500n, true],
      [-100n, false],
      [250n, false],
    ])
    expect(s!.reconciliation).toEqual({ checked: true, ok: true, expected: 9650n, actual: 9650n })
  })

  it('a reconciliation mismatch is a warning with both numbers', () => {
    const file = parseText(wrap([...head, ':61:240102C1,00NTRFNONREF', ':62F:C240102EUR100,00', '-']))
    expect(file.statements[0]!.reconciliation).toMatchObject({ checked: true, ok: false, expected: 10100n, actual: 10000n })
    expect(file.warnings).toEqual([expect.objectContaining({ code: 'reconciliation-mismatch' })])
  })

  it('SOH/ETX framing, BOM, LF/CRLF/CR and Ctrl-Z all give the same result', () => {
    const lines = [...head, ':61:2401020102D10,00NTRFREF1//BANKREF', ':86:PAYMENT', ':62F:C240102EUR90,00', '-']
    const base = parseText(lines.join('\n'))
    for (const variant of [
      `\x01${lines.join('\r\n')}\x03`,
      `\ufeff${lines.join('\r')}`,
      `${lines.join('\n')}\n\x1a`,
      `{1:F01BANKDEFFAXXX0000000000}{2:O9401200240102BANKDEFFAXXX00000000002401021200N}{4:\n${lines.slice(0, -1).join('\n')}\n-}{5:{CHK:123456789ABC}}`,
    ]) {
      expect(parseText(variant)).toEqual(base)
    }
    expect(base.statements[0]!.entries[0]!.references).toEqual({ customer: 'REF1', servicer: 'BANKREF' })
  })

  it('MT942: :34F: floor limit, :13D: creation time, :90D:/:90C: totals, intraday entries', () => {
    const text = wrap([
      ':20:INTRADAY1',
      ':25:NL91ABNA0417164300',
      ':28C:7/1',
      ':34F:EURD0,',
      ':34F:EURC0,',
      ':13D:2403141530+0100',
      ':61:2403140314D250,00NTRFINV-7//B1',
      ':86:/EREF/E2E-7/BENM//NAME/Supplier BV/REMI/USTD//Invoice 7/',
      ':61:2403140314C1000,00NTRFNONREF//B2',
      ':90D:1EUR250,00',
      ':90C:1EUR1000,00',
      '-',
    ])
    const file = parseText(text)
    expect(file.format).toBe('mt942')
    const [s] = file.statements
    expect(s!.createdAt).toBe('2024-03-14T15:30:00+01:00')
    expect(s!.currency).toBe('EUR')
    expect(s!.balances).toEqual([])
    expect(s!.entries.map((e) => e.amount)).toEqual([-25000n, 100000n])
    expect(s!.entries[0]!.references.endToEnd).toBe('E2E-7')
    expect(s!.reconciliation.checked).toBe(false)
    expect(file.warnings).toEqual([])

    const wrongTotal = text.replace(':90C:1EUR1000,00', ':90C:2EUR1000,00')
    expect(parseText(wrongTotal).warnings).toEqual([expect.objectContaining({ code: 'mt-total-mismatch', line: 11 })])
    expect(() => parseStatementFile(new TextEncoder().encode(wrongTotal), 'auto', { strict: true })).toThrow(/mt942 line 11: :90C:/)
  })

  it('pages of one statement (:62M: → :60M:) are merged', () => {
    const file = parseText(
      wrap([
        ':20:P1', ':25:ACC1', ':28C:5/1', ':60F:C240101EUR100,00', ':61:240102D10,00NTRFNONREF', ':62M:C240102EUR90,00', '-',
        ':20:P2', ':25:ACC1', ':28C:5/2', ':60M:C240102EUR90,00', ':61:240102D20,00NTRFNONREF', ':62F:C240102EUR70,00', ':64:C240102EUR70,00', '-',
      ]),
    )
    expect(file.statements).toHaveLength(1)
    expect(file.statements[0]!.balances.map((b) => [b.type, b.amount])).toEqual([
      ['OPBD', 10000n],
      ['CLBD', 7000n],
      ['CLAV', 7000n],
    ])
    expect(file.statements[0]!.entries).toHaveLength(2)
    expect(file.statements[0]!.reconciliation.ok).toBe(true)
  })

  it('an amount with more decimals than the currency has is rejected, never rounded', () => {
    expect(() => parseText(wrap([...head, ':61:240102C1,005NTRFNONREF', ':62F:C240102EUR101,00', '-']))).toThrow(
      /mt940 line 5: :61: amount "1,005".*more than 2 decimal places/,
    )
  })

  it('JPY and KWD use their own exponents', () => {
    const jpy = parseText(wrap([':20:J', ':25:123', ':60F:C240101JPY1000,', ':61:240102D1,NTRFNONREF', ':62F:C240102JPY999,', '-']))
    expect(jpy.statements[0]!.entries[0]!.amount).toBe(-1n)
    const kwd = parseText(wrap([':20:K', ':25:123', ':60F:C240101KWD1,5', ':62F:C240102KWD1,5', '-']))
    expect(kwd.statements[0]!.balances[0]!.amount).toBe(1500n)
  })
})

describe('every valid MT940 fixture parses', () => {
  const invalid = new Set(['february_30.sta', 'invalid_statement.sta', 'unexpected_tag.sta', 'sepa_snippet_broken.sta', 'knab_broken.sta'])
  it.each(statementFixtures('mt940').filter((p) => !invalid.has(p.split('/').at(-1)!)))('%s', (path) => {
    const file = parse(path)
    expect(file.format).toBe('mt940')
    expect(file.statements.length).toBeGreaterThan(0)
    for (const s of file.statements) {
      for (const e of s.entries) expect(typeof e.amount).toBe('bigint')
    }
  })
})
