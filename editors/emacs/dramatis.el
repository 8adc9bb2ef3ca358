;;; dramatis.el --- dramatis language server for prose  -*- lexical-binding: t; -*-

;; Load this file (`(load "/path/to/editors/emacs/dramatis.el")' in your init
;; file), open a .txt or .md file and run M-x eglot (or M-x lsp).
;; Needs the `dramatis' binary on `exec-path' (`cargo install --path .').
;; Without markdown-mode, Emacs 28 opens .md files in fundamental-mode: eglot
;; is registered for it too, so M-x eglot works there as well.

;;; Code:

(defgroup dramatis nil
  "People, organizations, groups and places in prose."
  :group 'tools)

(defcustom dramatis-command '("dramatis" "lsp")
  "Command line that starts the dramatis language server."
  :type '(repeat string))

(defcustom dramatis-inlay-hints nil
  "Show the full name after short names and acronyms (inlay hints)."
  :type 'boolean)

(defcustom dramatis-hover t
  "Show who or what a name refers to on hover."
  :type 'boolean)

(defcustom dramatis-code-lens t
  "Show \"N mentions\" above each entity's introduction."
  :type 'boolean)

(defcustom dramatis-severity nil
  "Severity per diagnostic code, e.g. ((\"name-variant\" . \"error\")).
Codes: acronym-undefined, acronym-before-definition, name-variant,
ambiguous-mention, short-form-first.  Levels: off, hint, information,
warning, error.  Codes left out keep the server's default."
  :type '(alist :key-type string :value-type string))

(defun dramatis--bool (value)
  "VALUE as a JSON boolean for jsonrpc."
  (if value t :json-false))

(defun dramatis-settings ()
  "The server's settings, shaped as {\"dramatis\": {...}}."
  (let ((severity (apply #'append
                         (mapcar (lambda (pair) (list (intern (concat ":" (car pair))) (cdr pair)))
                                 dramatis-severity))))
    (list :dramatis (list :inlayHints (dramatis--bool dramatis-inlay-hints)
                          :hover (dramatis--bool dramatis-hover)
                          :codeLens (dramatis--bool dramatis-code-lens)
                          :severity (or severity (make-hash-table))))))

;;;; Eglot (built into Emacs 29+; a package for older versions)

(defvar eglot-server-programs)
(defvar eglot-workspace-configuration)

(with-eval-after-load 'eglot
  ;; fundamental-mode: a .md file when markdown-mode is not installed, or a
  ;; prose file with an extension Emacs does not know.
  (add-to-list 'eglot-server-programs
               `(((text-mode :language-id "plaintext")
                  (fundamental-mode :language-id "plaintext")
                  (markdown-mode :language-id "markdown")
                  (gfm-mode :language-id "markdown"))
                 . ,(lambda (&rest _)
                      (append dramatis-command
                              (list :initializationOptions (dramatis-settings))))))
  ;; Eglot answers workspace/configuration and sends didChangeConfiguration
  ;; from this; a function keeps it current after `customize'.
  (setq-default eglot-workspace-configuration (lambda (&rest _) (dramatis-settings))))

;;;; Renaming a whole name

(declare-function eglot-rename "eglot")
(declare-function eglot--TextDocumentPositionParams "eglot")
(declare-function eglot--server-info "eglot")
(declare-function eglot-managed-p "eglot")
(declare-function jsonrpc-request "jsonrpc")

(defun dramatis--rename-placeholder ()
  "The whole name at point, as the server's prepareRename gives it, or nil."
  (let ((server (and (fboundp 'eglot-current-server) (eglot-current-server))))
    (when server
      (let ((prepared (ignore-errors
                        (jsonrpc-request server :textDocument/prepareRename
                                         (eglot--TextDocumentPositionParams)))))
        (and (listp prepared) (plist-get prepared :placeholder))))))

(defun dramatis-rename (newname)
  "Rename the name at point to NEWNAME everywhere, prompting with the whole name.
`eglot-rename' offers the word at point, one word of \"Hester Vell\"."
  (interactive
   (let ((name (dramatis--rename-placeholder)))
     (unless name
       (user-error "No name at point"))
     (list (read-from-minibuffer (format "Rename `%s' to: " name) name))))
  (eglot-rename newname))

(defvar dramatis-eglot-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map [remap eglot-rename] #'dramatis-rename)
    map)
  "Keys of buffers that eglot manages with dramatis.")

(define-minor-mode dramatis-eglot-mode
  "Use `dramatis-rename' for `eglot-rename' in this buffer."
  :keymap dramatis-eglot-mode-map)

(defun dramatis--eglot-managed ()
  "Turn on `dramatis-eglot-mode' where the eglot server is dramatis."
  (let* ((server (and (fboundp 'eglot-current-server) (eglot-current-server)))
         (info (and server (ignore-errors (eglot--server-info server)))))
    (dramatis-eglot-mode
     (if (and (eglot-managed-p)
              (equal (plist-get info :name) "dramatis"))
         1
       -1))))

(add-hook 'eglot-managed-mode-hook #'dramatis--eglot-managed)

;;;; lsp-mode

;; `with-lsp-workspace' is a macro: expand it properly when compiling.
(eval-when-compile (require 'lsp-mode nil t))
(defvar lsp-language-id-configuration)
(declare-function lsp-register-client "lsp-mode")
(declare-function make-lsp-client "lsp-mode")
(declare-function lsp-stdio-connection "lsp-mode")
(declare-function lsp-activate-on "lsp-mode")
(declare-function lsp--set-configuration "lsp-mode")

(with-eval-after-load 'lsp-mode
  (add-to-list 'lsp-language-id-configuration '(text-mode . "plaintext"))
  (add-to-list 'lsp-language-id-configuration '(markdown-mode . "markdown"))
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection (lambda () dramatis-command))
    :activation-fn (lsp-activate-on "plaintext" "markdown")
    :initialization-options (lambda () (dramatis-settings))
    ;; The server reads each settings message as the whole configuration,
    ;; so send all of it rather than lsp-mode's custom-settings section.
    :initialized-fn (lambda (workspace)
                      (with-lsp-workspace workspace
                        (lsp--set-configuration (dramatis-settings))))
    :add-on? t
    :server-id 'dramatis)))

;;;; Toggling inlay hints

(declare-function eglot-current-server "eglot")
(declare-function eglot-signal-didChangeConfiguration "eglot")
(declare-function lsp-workspaces "lsp-mode")

(defun dramatis-toggle-inlay-hints ()
  "Turn dramatis inlay hints on or off and tell the running server."
  (interactive)
  (setq dramatis-inlay-hints (not dramatis-inlay-hints))
  (cond ((and (fboundp 'eglot-current-server) (eglot-current-server))
         (eglot-signal-didChangeConfiguration (eglot-current-server))
         (when (fboundp 'eglot-inlay-hints-mode)
           (eglot-inlay-hints-mode (if dramatis-inlay-hints 1 -1))))
        ((and (fboundp 'lsp-workspaces) (lsp-workspaces))
         (lsp--set-configuration (dramatis-settings))
         (when (fboundp 'lsp-inlay-hints-mode)
           (lsp-inlay-hints-mode (if dramatis-inlay-hints 1 -1)))))
  (message "dramatis inlay hints %s" (if dramatis-inlay-hints "on" "off")))

(provide 'dramatis)
;;; dramatis.el ends here
