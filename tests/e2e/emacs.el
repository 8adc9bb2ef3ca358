;;; emacs.el --- end-to-end test of editors/emacs/dramatis.el with eglot  -*- lexical-binding: t; -*-

;; Run by tests/e2e/emacs.sh.  Environment: E2E_REPO, DRAMATIS_BIN, E2E_DOC,
;; E2E_TIMEOUT (seconds per wait).

(require 'eglot)
(load (expand-file-name "editors/emacs/dramatis.el" (getenv "E2E_REPO")))

(defvar e2e-passed 0)
(defvar e2e-failed 0)
(defvar e2e-wait (string-to-number (or (getenv "E2E_TIMEOUT") "15")))

(defun e2e-check (name ok &optional detail)
  (if ok
      (progn (setq e2e-passed (1+ e2e-passed)) (princ (format "PASS %s\n" name)))
    (setq e2e-failed (1+ e2e-failed))
    (princ (format "FAIL %s%s\n" name (if detail (format "\n     %s" detail) "")))))

(defun e2e-wait-until (predicate)
  (let ((deadline (+ (float-time) e2e-wait)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun e2e-inlay-hints (server)
  (jsonrpc-request server :textDocument/inlayHint
                   (list :textDocument (eglot--TextDocumentIdentifier)
                         :range (list :start (list :line 0 :character 0)
                                      :end (list :line (count-lines (point-min) (point-max))
                                                 :character 0)))
                   :timeout e2e-wait))

(setq dramatis-command (list (getenv "DRAMATIS_BIN") "lsp"))
(setq dramatis-inlay-hints t)
(setq eglot-sync-connect e2e-wait)

(condition-case err
    (progn
      (find-file (getenv "E2E_DOC"))
      (e2e-check "the document opens in text-mode" (eq major-mode 'text-mode) major-mode)
      (apply #'eglot (eglot--guess-contact))
      (let ((server (and (e2e-wait-until #'eglot-current-server) (eglot-current-server))))
        (e2e-check "eglot connects to dramatis via dramatis.el" server)
        (when server
          (goto-char (point-min))
          (search-forward "Okonkwo said")
          (backward-word 2)
          (let* ((hover (jsonrpc-request server :textDocument/hover
                                         (eglot--TextDocumentPositionParams) :timeout e2e-wait))
                 (text (format "%s" (plist-get (plist-get hover :contents) :value))))
            (e2e-check "hover on \"Okonkwo\" names \"Margaret Okonkwo\""
                       (string-match-p "Margaret Okonkwo" text) text))
          (goto-char (point-min))
          (search-forward "Margaret")
          (backward-char 3)
          (let ((placeholder (dramatis--rename-placeholder)))
            (e2e-check "dramatis-rename prompts with the whole name \"Margaret Okonkwo\" (prepareRename)"
                       (equal placeholder "Margaret Okonkwo") placeholder))
          (e2e-check "dramatis-eglot-mode remaps eglot-rename in the dramatis buffer"
                     (and dramatis-eglot-mode
                          (eq (key-binding [remap eglot-rename]) #'dramatis-rename)))
          (e2e-check "eglot finds dramatis for fundamental-mode (a .md without markdown-mode)"
                     (equal (car (eglot--lookup-mode 'fundamental-mode)) '(fundamental-mode text-mode markdown-mode gfm-mode))
                     (format "%S" (eglot--lookup-mode 'fundamental-mode)))
          (let ((hints (e2e-inlay-hints server)))
            (e2e-check "inlay hints on from initializationOptions (dramatis-inlay-hints t)"
                       (> (length hints) 0) (format "%d hints" (length hints))))
          (dramatis-toggle-inlay-hints)
          (let ((hints nil))
            (e2e-wait-until (lambda () (setq hints (e2e-inlay-hints server)) (= (length hints) 0)))
            (e2e-check "dramatis-toggle-inlay-hints turns them off (didChangeConfiguration)"
                       (= (length hints) 0) (format "%d hints" (length hints))))
          (let ((process (jsonrpc--process server)))
            (eglot-shutdown server)
            (e2e-check "the server process is gone after eglot-shutdown"
                       (e2e-wait-until (lambda () (not (process-live-p process)))))))))
  (error (e2e-check "harness runs" nil (error-message-string err))))

(princ (format "e2e-emacs: %d passed, %d failed\n" e2e-passed e2e-failed))
(kill-emacs (if (> e2e-failed 0) 1 0))
