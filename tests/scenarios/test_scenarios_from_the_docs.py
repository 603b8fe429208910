"""Scenarios written the way a user writes them after reading only README.md's Scenarios section
and docs/scenarios.md, in a folder of their own, run first time. The first one is the docs'
example itself, so the page cannot drift from what runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mockpost.cli import main
from mockpost.core.pdf import make_pdf

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "scenarios.md"

INVOICE_BY_EMAIL = """\
mockpost: 1
name: My invoice reaches the customer by e-mail and my ERP hears about it
providers: [easypost-connect]
clock: {start: 2030-03-04T09:00:00Z}
accounts:
  easypost-connect:
    shop:
      api_key: shop-key
      env: {api_key: EASYPOST_CONNECT_API_KEY}
      webhook: {inbox: erp, secret: whsec_shop}
steps:
  - request: {path: /workflows, query: {inputSource: PAYLOAD_PDF}}
    save: {workflow: "$[0].id"}
  - name: send invoice 42 to Ann
    request:
      method: POST
      path: /jobs/payload-pdf
      json:
        workflowId: "{{ workflow }}"
        jobName: Invoice 42
        filename: invoice.pdf
        payload: {channelIdentifiers: [{kind: EMAIL_ADDRESS, value: ann@example.be}]}
    expect: {status: 201, json: {status: AWAITING_FOR_FILE}}
    save: {job: $.id, upload_url: $.fileUploadUrl}
  - request: {method: PUT, url: "{{ upload_url }}", body: !file fixtures/invoice.pdf}
    expect: {status: 200}
  - name: wait for the job to complete
    repeat:
      request: {path: "/jobs/{{ job }}"}
    until: {json: {status: COMPLETED}}
    every: 15m
    max: 8
  - expect_webhook:
      inbox: erp
      index: any
      json: {type: job.status.changed, data: {jobId: "{{ job }}", status: COMPLETED}}
      signature: true
"""

REJECTED_BATCH = """\
mockpost: 1
name: A batch named fail-* is rejected, and a bounced letter can be resent
providers: [easypost-connect]
clock: {start: "2030-03-04T09:00:00Z"}
accounts:
  easypost-connect:
    ops: {api_key: ops-key}
rules:
  - provider: easypost-connect
    resource: job
    where: {jobName: "fail-*"}
    when: PROCESSING
    then: {state: FAILED, reason: Rejected in review}
  - provider: easypost-connect
    timeline: {sent_after: 1m}
steps:
  - request: {path: /workflows, query: {inputSource: SINGLE_FILE}}
    save: {workflow: "$[0].id"}
  - request: {method: POST, path: /jobs/single-file,
              json: {workflowId: "{{ workflow }}", jobName: fail-batch, filename: letters.pdf}}
    save: {rejected: $.id, rejected_url: $.fileUploadUrl}
  - request: {method: PUT, url: "{{ rejected_url }}", body: !file fixtures/letters.pdf}
  - request: {path: "/jobs/{{ rejected }}"}
    expect: {json: {status: FAILED, failureReason: Rejected in review}}
  - request: {method: POST, path: /jobs/single-file,
              json: {workflowId: "{{ workflow }}", jobName: batch, filename: letters.pdf}}
    save: {job: $.id, upload_url: $.fileUploadUrl}
  - request: {method: PUT, url: "{{ upload_url }}", body: !file fixtures/letters.pdf}
  - advance: 3m
  - request: {path: /sending-events, query: {jobId: "{{ job }}"}}
    expect:
      json: !unordered
        - {businessStatus: SENT, channelIdentifiers: [{value: ann@example.be}]}
        - {businessStatus: SENT, channelIdentifiers: [{value: bob@example.invalid}]}
  - request: {path: /sending-events, query: {jobId: "{{ job }}", businessStatus: SENT}}
    save: {events: "$[*].id"}
  - name: the bounce is known within the hour
    advance: 1h
  - request: {path: /sending-events, query: {jobId: "{{ job }}", businessStatus: FAILED}}
    expect: {json: [{channelIdentifiers: [{value: bob@example.invalid}]}]}
    save: {bounced: "$[0].id"}
  - request: {method: POST, path: "/sending-events/{{ bounced }}/resend"}
    expect: {status: 201, json: {resendOf: "{{ bounced }}"}}
"""

PARTNER_HOOKS = """\
mockpost: 1
name: A partner subscribes its ERP through the API and checks the test event
providers: [easypost-connect]
accounts:
  easypost-connect:
    partner: {api_key: partner-key}
steps:
  - request: {method: POST, path: /companies, json: {name: Client BV}}
    expect: {status: 201}
    save: {client: $.id}
  - request:
      method: POST
      path: /webhooks
      headers: {x-managed-company-id: "{{ client }}"}
      json:
        name: ERP
        url: "{{ mockpost_url }}/_mockpost/inbox/client-erp"
        eventTypes: [job.status.changed]
    expect: {status: 201}
    save: {hook: $.id, secret: $.secret}
  - request:
      method: POST
      path: "/webhooks/{{ hook }}/test"
      headers: {x-managed-company-id: "{{ client }}"}
    expect: {json: {statusCode: 200}}
  - expect_webhook:
      inbox: client-erp
      count: 1
      json: {test: true, companyId: "{{ client }}"}
      secret: "{{ secret }}"
"""


def docs_example() -> str:
    text = DOCS.read_text(encoding="utf-8")
    found = re.search(r"## A first scenario\n\n```yaml\n(.*?)```", text, flags=re.DOTALL)
    assert found is not None, "docs/scenarios.md lost its first example"
    return found.group(1)


@pytest.fixture
def user_folder(tmp_path: Path) -> Path:
    """A project of the user's own: scenario files with their fixtures next to them."""
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    (fixtures / "invoice.pdf").write_bytes(make_pdf([["Invoice 42", "Amount due: 121.00 EUR"]]))
    (fixtures / "letters.pdf").write_bytes(
        make_pdf([["EMAIL_ADDRESS: ann@example.be"], ["EMAIL_ADDRESS: bob@example.invalid"]])
    )
    for name, text in (
        ("docs_example.yaml", docs_example()),
        ("invoice_by_email.yaml", INVOICE_BY_EMAIL),
        ("rejected_batch.yaml", REJECTED_BATCH),
        ("partner_hooks.yaml", PARTNER_HOOKS),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_scenarios_written_from_the_docs_run_first_time(user_folder, capsys):
    junit = user_folder / "out" / "junit.xml"
    code = main(["run", str(user_folder), "--junit", str(junit)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "4 passed" in out
    assert "[1/4]" in out and "[4/4]" in out  # progress through a folder
    assert junit.is_file()


def test_the_same_files_run_against_a_running_mockpost(user_folder, mockpost_server, capsys):
    code = main(["run", "-q", str(user_folder), "--target", mockpost_server.url])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "4 passed" in out
