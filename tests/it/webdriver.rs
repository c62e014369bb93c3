//! The WebDriver plumbing the browser tests share (`browser`: the clerk's workspace; `hub_browser`:
//! the province's hub): chromedriver on a free port, a headless Chromium window driven through
//! the W3C protocol (open, go, script, find, click, type as a person types, screenshots).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::http::{base64, get, request};

/// The W3C key of an element reference.
pub const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The first of `names` found on the PATH.
pub fn which(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// chromedriver on a free port, stopped when dropped.
pub struct Driver {
    child: Child,
    pub addr: SocketAddr,
}

impl Driver {
    pub fn start(chromedriver: &PathBuf) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        wait_for("chromedriver to listen", Duration::from_secs(30), || {
            std::net::TcpStream::connect(driver.addr).is_ok()
                && get(driver.addr, "/status").json()["value"]["ready"] == true
        });
        driver
    }

    pub fn call(&self, method: &str, target: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let reply = request(
            self.addr,
            method,
            target,
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        );
        let value = reply.json();
        assert_eq!(reply.status, 200, "WebDriver {method} {target}: {value}");
        value["value"].clone()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser window.
pub struct Browser<'d> {
    driver: &'d Driver,
    session: String,
}

impl<'d> Browser<'d> {
    pub fn open(driver: &'d Driver, chromium: &PathBuf) -> Browser<'d> {
        Browser::open_with(driver, chromium, None)
    }

    /// A window whose downloads go to `downloads`, when given.
    pub fn open_with(
        driver: &'d Driver,
        chromium: &PathBuf,
        downloads: Option<&std::path::Path>,
    ) -> Browser<'d> {
        let mut options = json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000", "--lang=th-TH", "--hide-scrollbars"],
        });
        if let Some(folder) = downloads {
            options["prefs"] = json!({
                "download.default_directory": folder,
                "download.prompt_for_download": false,
            });
        }
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": options,
        } } });
        let value = driver.call("POST", "/session", Some(capabilities));
        let session = value["sessionId"].as_str().expect("a session").to_owned();
        Browser { driver, session }
    }

    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.driver
            .call(method, &format!("/session/{}{path}", self.session), body)
    }

    /// The window's size in CSS pixels.
    pub fn size(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        );
    }

    pub fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    /// Runs script in the page and answers its value.
    pub fn script(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    pub fn find(&self, css: &str) -> String {
        let found = self.call(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_owned()
    }

    /// The element `css` finds, scrolled to the middle of the window.
    fn visible(&self, css: &str) -> String {
        let element = self.find(css);
        self.script(
            "arguments[0].scrollIntoView({block: 'center'});",
            json!([{ ELEMENT: element }]),
        );
        element
    }

    pub fn click(&self, css: &str) {
        let element = self.visible(css);
        self.call(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    /// Replaces a field's text by typing, as a person would.
    pub fn type_into(&self, css: &str, text: &str) {
        let element = self.visible(css);
        self.call(
            "POST",
            &format!("/element/{element}/clear"),
            Some(json!({})),
        );
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        );
    }

    pub fn value(&self, css: &str) -> Value {
        self.script(
            "const e = document.querySelector(arguments[0]); return e ? e.value : null;",
            json!([css]),
        )
    }

    pub fn attribute(&self, css: &str, name: &str) -> Option<String> {
        let value = self.script("const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", json!([css, name]));
        value.as_str().map(str::to_owned)
    }

    pub fn wait(&self, what: &str, condition: &str) {
        wait_for(what, Duration::from_secs(60), || {
            self.script(condition, json!([])) == Value::Bool(true)
        });
    }

    /// A screenshot of the window, or of one element.
    pub fn screenshot(&self, css: Option<&str>) -> Vec<u8> {
        let value = match css {
            Some(css) => self.call(
                "GET",
                &format!("/element/{}/screenshot", self.find(css)),
                None,
            ),
            None => self.call("GET", "/screenshot", None),
        };
        base64(value.as_str().expect("base64 PNG"))
    }
}

impl Drop for Browser<'_> {
    fn drop(&mut self) {
        let _ = request(
            self.driver.addr,
            "DELETE",
            &format!("/session/{}", self.session),
            &[],
            b"",
        );
    }
}

pub fn wait_for(what: &str, limit: Duration, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// chromium and chromedriver, or `None` (the test skips) outside CI.
pub fn browser_tools() -> Option<(PathBuf, PathBuf)> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let (Some(chromium), Some(chromedriver)) = (
        which(&["chromium", "chromium-browser", "google-chrome"]),
        which(&["chromedriver"]),
    ) else {
        assert!(
            !ci,
            "CI=true but chromium/chromedriver not found: .ci/run installs them (apt-get install chromium chromium-driver)"
        );
        println!("skipped: chromium/chromedriver not found");
        return None;
    };
    Some((chromium, chromedriver))
}

impl Browser<'_> {
    /// Runs an async script (its last argument is the callback) and answers its value.
    pub fn script_async(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// The page's visible text.
    pub fn text(&self) -> String {
        self.script("return document.body.innerText;", json!([]))
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    /// The page's HTML as it stands.
    pub fn html(&self) -> String {
        self.script("return document.documentElement.outerHTML;", json!([]))
            .as_str()
            .unwrap_or("")
            .to_owned()
    }
}
