//! A stand-in for an AWS endpoint on loopback. It answers each request with
//! the next of its scripted replies (the last one again once they run out),
//! written the way AWS documents them, and records every request, so a test
//! checks both how an adapter reads AWS's answer and what it sent.

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{HeaderMap, Request, Response};
use hyper_util::rt::TokioIo;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// What AWS puts in its request-id headers and bodies; any value will do.
pub const REQUEST_ID: &str = "4QNI3GDNSRSIE7PKI8KGV6M1SJVV4KQNSO5AEMVJF66Q9ASUAAJG";

#[derive(Clone, Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl Reply {
    /// A DynamoDB answer (the JSON 1.0 protocol).
    pub fn dynamodb(status: u16, body: serde_json::Value) -> Reply {
        Reply {
            status,
            headers: vec![
                ("content-type", "application/x-amz-json-1.0".into()),
                ("x-amzn-requestid", REQUEST_ID.into()),
            ],
            body: body.to_string(),
        }
    }

    /// A DynamoDB error: HTTP 400, the error named by its qualified `__type`.
    pub fn dynamodb_error(error_type: &str, message: &str) -> Reply {
        Reply::dynamodb(400, serde_json::json!({ "__type": error_type, "message": message }))
    }

    /// An answer without a body, as S3 answers every HEAD, errors included.
    pub fn empty(status: u16) -> Reply {
        Reply { status, headers: vec![("x-amz-request-id", REQUEST_ID.into())], body: String::new() }
    }

    /// An XML answer (the query protocol SES speaks; S3 errors).
    pub fn xml(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type", "text/xml".into()), ("x-amzn-requestid", REQUEST_ID.into())],
            body: body.to_string(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: &str) -> Reply {
        self.headers.push((name, value.to_string()));
        self
    }
}

/// One request as the stub received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The DynamoDB operation, from `x-amz-target: DynamoDB_20120810.GetItem`.
    pub fn dynamodb_operation(&self) -> Option<&str> {
        self.header("x-amz-target").and_then(|target| target.strip_prefix("DynamoDB_20120810."))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON request body")
    }

    /// The value of `name` in a form-encoded body (the query protocol).
    pub fn form_value(&self, name: &str) -> Option<String> {
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&self.body).expect("a form-encoded body");
        fields.into_iter().find(|(field, _)| field == name).map(|(_, value)| value)
    }
}

pub struct StubAws {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    server: JoinHandle<()>,
}

impl StubAws {
    /// Listens on a free loopback port; answers the n-th request with
    /// `replies[n]`, or with the last reply once the script runs out.
    pub async fn answering(replies: Vec<Reply>) -> StubAws {
        assert!(!replies.is_empty(), "the stub needs at least one reply");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free loopback port");
        let url = format!("http://{}", listener.local_addr().expect("a bound address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(replies);
        let log = received.clone();
        let server = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (script, log) = (script.clone(), log.clone());
                tokio::spawn(async move {
                    let service =
                        hyper::service::service_fn(move |request| answer(request, script.clone(), log.clone()));
                    // A client that hangs up mid-request only ends its connection.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        StubAws { url, received, server }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every request so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("no test panicked holding the log").clone()
    }
}

impl Drop for StubAws {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn answer(
    request: Request<Incoming>,
    script: Arc<Vec<Reply>>,
    log: Arc<Mutex<Vec<Received>>>,
) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await?.to_bytes().to_vec();
    let reply = {
        let mut log = log.lock().expect("no test panicked holding the log");
        log.push(Received {
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            headers: parts.headers,
            body,
        });
        script[(log.len() - 1).min(script.len() - 1)].clone()
    };
    let mut response = Response::builder().status(reply.status);
    for (name, value) in reply.headers {
        response = response.header(name, value);
    }
    Ok(response.body(Full::new(Bytes::from(reply.body))).expect("a scripted reply is a valid response"))
}
