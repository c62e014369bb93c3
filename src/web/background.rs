//! A server on a thread of its own, with its own two-thread runtime: `serve` and `hub` each
//! start one; dropping it stops the server and waits for the thread.

use std::net::SocketAddr;

use axum::Router;

use crate::diagnostic::Diagnostic;

/// The server's thread and the way to stop it.
pub struct Background {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    /// Serves `router` on `listener` (each request knows its peer's address) until dropped.
    pub fn serve(
        listener: std::net::TcpListener,
        router: Router,
    ) -> Result<Background, Diagnostic> {
        listener
            .set_nonblocking(true)
            .map_err(|e| Diagnostic::error(e.to_string()))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let app = router.into_make_service_with_connect_info::<SocketAddr>();
                let server = axum::serve(listener, app).with_graceful_shutdown(async {
                    let _ = stopped.await;
                });
                if let Err(e) = server.await {
                    eprintln!("error: the server stopped: {e}");
                }
            });
        });
        Ok(Background {
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Waits until the server stops (it runs until the process ends).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
