import { takesSlot } from '../../han/device-status';
import type { HistoryEntry, MeterInfo } from '../../han/han-device.service';
import type { DeviceEventRecord, DeviceRecord } from '../../han/han-device.store';
import { REMOVABLE } from '../../han/device-status';
import { html, type Html } from '../html';

/** Who a history line came from, in words: a status the TDSP reported, the platform's own, or a request and its channel. */
export function sourceText(e: DeviceEventRecord): string {
  if (e.source === 'TDSP') return 'TDSP';
  if (e.source === 'PLATFORM') return 'Smart Meter Texas';
  switch (e.requestChannel) {
    case 'PORTAL_CUSTOMER': return 'Customer (portal)';
    case 'PORTAL_REP': return 'REP (portal)';
    case 'PORTAL_TDSP': return 'TDSP (portal)';
    default: return 'REP (web service)';
  }
}

export function meterPanel(info: MeterInfo): Html {
  return html`<dl id="meter-info"><dt>Meter number</dt><dd>${info.meterNumber ?? 'not reported yet'}</dd>
<dt>Hardware version</dt><dd id="meter-hardware">${info.meterHardwareVersion ?? 'unknown'}</dd><dt>Firmware version</dt><dd id="meter-firmware">${info.meterFirmwareVersion ?? 'unknown'}</dd>
<dt>Can take HAN devices</dt><dd id="han-capable" class="cap-${info.hanCapable}">${info.hanCapable === 'YES' ? 'Yes' : info.hanCapable === 'NO' ? 'No' : 'Unknown'}: ${info.hanCapabilityReason}</dd>
<dt>TDSP</dt><dd>${info.tdspName}</dd></dl>`;
}

/** The seed's screen: devices that take one of the five slots above, the others below. */
export function deviceLists(esiid: string, devices: DeviceRecord[], removeForm: (mac: string) => Html): Html {
  const row = (d: DeviceRecord) => html`<tr data-mac="${d.mac}"><td><a href="/han/${esiid}/device/${d.mac}">${d.mac}</a></td><td class="status">${d.status}</td><td>${d.statusAt}</td>
<td>${d.description ?? ''}</td><td>${REMOVABLE.has(d.status) ? removeForm(d.mac) : ''}</td></tr>`;
  const table = (id: string, list: DeviceRecord[], empty: string) => list.length === 0 ? html`<p id="${id}" class="empty">${empty}</p>`
    : html`<table id="${id}"><thead><tr><th>MAC address</th><th>Status</th><th>Since</th><th>Description</th><th></th></tr></thead><tbody>${list.map(row)}</tbody></table>`;
  const active = devices.filter((d) => takesSlot(d.status));
  return html`<h2>Devices on the meter (${active.length} of 5)</h2>${table('devices-active', active, 'No devices.')}
<h2>Other devices</h2>${table('devices-other', devices.filter((d) => !takesSlot(d.status)), 'None.')}`;
}

export function historyTable(entries: (DeviceEventRecord & { mac?: string })[]): Html {
  return html`<table id="han-history"><thead><tr><th>Recorded</th>${entries.some((e) => e.mac) ? html`<th>MAC address</th>` : ''}<th>Status</th><th>Status time</th><th>From</th><th>Applied</th><th>Reason</th><th>Request</th></tr></thead>
<tbody>${entries.map((e) => html`<tr><td>${e.recordedAt}</td>${e.mac ? html`<td>${e.mac}</td>` : ''}<td>${e.status}</td><td>${e.statusAt}</td><td class="source">${sourceText(e)}</td>
<td>${e.applied ? 'yes' : 'no (repeat or out of order)'}</td><td>${e.reason ?? ''}</td><td>${e.requestId ?? ''}</td></tr>`)}</tbody></table>`;
}

export type { HistoryEntry };
