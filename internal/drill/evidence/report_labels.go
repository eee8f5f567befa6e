package evidence

// labels are the report's words in one language.
type labels struct {
	title, item, value, generated, documents, docCountFmt, expectedKey, noKey, keyFmt, someBad        string
	cluster, unreadable, controls, controlsIntro, control, framework, howServed, limitsTitle, limits  string
	drill, notVerified, verifiedFmt, verifiedNoKey                                                    string
	outcomeL, reason, started, finished, total, recovery, source, clone, who, where, file, hash, tool string
	phases, phase, duration, notes, requestIDs                                                        string
	backtracks, none, directionL, requested, actual, difference, status, requestID                    string
	dataCheck, noDataCheck, markerWritten, markerGone, fingerprint, markerBack, errorL                string
	table, rowsBefore, rowsAfter, sumBefore, sumAfter                                                 string
	production, couldRewindFmt, measuredAt, target, achieved, alertsFmt, unavailable, time, message   string
	yes, no, succeeded, failed, skipped, back, forward, colon                                         string
}

func (l labels) yesNo(v bool) string {
	if v {
		return l.yes
	}
	return l.no
}

func (l labels) outcome(o string) string {
	switch o {
	case OutcomeSucceeded:
		return l.succeeded
	case OutcomeFailed:
		return l.failed
	case OutcomeSkipped:
		return l.skipped
	}
	return o
}

func (l labels) direction(d string) string {
	switch d {
	case "back":
		return l.back
	case "forward":
		return l.forward
	}
	return d
}

func labelsFor(lang string) labels {
	if lang == "ja" {
		return ja
	}
	return en
}

var en = labels{
	title: "Backtrack drill evidence report", item: "Item", value: "Value", generated: "Generated",
	documents: "Evidence documents", docCountFmt: "%d (%d verified, %d not verified)",
	expectedKey: "Expected signing key", noKey: "none given: signatures were checked against the key each document names, so who signed is not established",
	keyFmt:  "Ed25519 key %s",
	someBad: "Some evidence does not verify: it may have been edited, reordered or deleted. Those drills are not evidence until the originals are restored.",
	cluster: "Cluster", unreadable: "unreadable documents", controls: "Controls this evidence serves",
	controlsIntro: "Each drill backtracked a copy-on-write clone of the cluster (the production cluster is only read), checked the data and kept this signed evidence. The evidence supports these control objectives:",
	control:       "Control", framework: "Framework", howServed: "Objective and how the drill serves it",
	limitsTitle: "What the evidence can and cannot show",
	limits:      "Each document is signed with Ed25519 and names the SHA-256 of the previous document of the same cluster, so an edited, reordered or deleted document breaks the chain at the next one. A chain cannot show that its newest documents were deleted: compare the newest hash with one kept elsewhere. A drill proves the rewind on a clone at the time of the drill; production's own window is recorded separately, as measured then.",
	drill:       "Drill", notVerified: "NOT VERIFIED", verifiedFmt: "Verified: signed by the expected key %s, chain intact, contents consistent.",
	verifiedNoKey: "Signature, chain and contents check, but no expected key was given, so who signed is not established.",
	outcomeL:      "Outcome", reason: "Failure reason", started: "Started", finished: "Finished", total: "Total duration",
	recovery: "Measured recovery (backtrack call to clone available)", source: "Source cluster (never modified)", clone: "Clone / instance",
	who: "Run by", where: "Account / Region", file: "Evidence file", hash: "File SHA-256", tool: "kumoguard version",
	phases: "Phases:", phase: "Phase", duration: "Duration", notes: "Notes", requestIDs: "AWS request IDs",
	backtracks: "Backtracks (BacktrackDBCluster on the clone):", none: "None.", directionL: "Direction", requested: "Requested BacktrackTo",
	actual: "Actual BacktrackTo", difference: "Actual − requested", status: "Status", requestID: "Request ID",
	dataCheck: "Data check:", noDataCheck: "No data check was requested (--data-check none).", markerWritten: "Marker row written",
	markerGone: "Marker gone after the backtrack", fingerprint: "Data fingerprint unchanged", markerBack: "Marker back after the forward backtrack",
	errorL: "Error", table: "Table", rowsBefore: "Rows before", rowsAfter: "Rows after", sumBefore: "Checksum before", sumAfter: "Checksum after",
	production:     "Production's own window (read-only):",
	couldRewindFmt: "Production (%s) could have rewound %s hours on %s (target %s hours).",
	measuredAt:     "Measured at", target: "Target window", achieved: "Achieved window (now − EarliestBacktrackTime)",
	alertsFmt: "BacktrackWindowAlert over %s", unavailable: "not available", time: "Time", message: "Message",
	yes: "yes", no: "no", succeeded: "succeeded", failed: "failed", skipped: "skipped", back: "back", forward: "forward", colon: ": ",
}

var ja = labels{
	title: "バックトラック訓練 証跡レポート", item: "項目", value: "値", generated: "作成日時",
	documents: "証跡文書", docCountFmt: "%d 件（検証済み %d 件、未検証 %d 件）",
	expectedKey: "想定する署名鍵", noKey: "指定なし：各文書に記載された鍵で署名を確認したため、署名者は確定していません",
	keyFmt:  "Ed25519 鍵 %s",
	someBad: "検証できない証跡があります。編集・並べ替え・削除された可能性があります。元の文書を復元するまで、これらの訓練は証跡になりません。",
	cluster: "クラスター", unreadable: "読み取れない文書", controls: "この証跡が対応する管理策",
	controlsIntro: "各訓練はクラスターのコピーオンライトクローンをバックトラックし（本番クラスターは読み取るだけです）、データを確認して、この署名付き証跡を残しました。この証跡は次の管理目的を裏付けます：",
	control:       "管理策", framework: "フレームワーク", howServed: "目的と訓練による対応",
	limitsTitle: "証跡で示せること・示せないこと",
	limits:      "各文書は Ed25519 で署名され、同じクラスターの直前の文書の SHA-256 を記載しているため、文書が編集・並べ替え・削除されると次の文書でチェーンが壊れます。ただし、最新の文書が削除されたことはチェーンでは検出できません。最新のハッシュを別の場所に保管したものと照合してください。訓練は訓練時点のクローンで巻き戻しを実証するもので、本番自身のウィンドウは当時の測定値として別に記録しています。",
	drill:       "訓練", notVerified: "未検証", verifiedFmt: "検証済み：想定した鍵 %s による署名、チェーンは完全、内容は整合しています。",
	verifiedNoKey: "署名・チェーン・内容は確認できましたが、想定する鍵が指定されていないため、署名者は確定していません。",
	outcomeL:      "結果", reason: "失敗理由", started: "開始", finished: "終了", total: "所要時間",
	recovery: "測定した復旧時間（バックトラック呼び出しからクローン利用可能まで）", source: "ソースクラスター（変更なし）", clone: "クローン / インスタンス",
	who: "実行者", where: "アカウント / リージョン", file: "証跡ファイル", hash: "ファイルの SHA-256", tool: "kumoguard バージョン",
	phases: "フェーズ：", phase: "フェーズ", duration: "所要時間", notes: "備考", requestIDs: "AWS リクエスト ID",
	backtracks: "バックトラック（クローンへの BacktrackDBCluster）：", none: "なし。", directionL: "方向", requested: "要求した BacktrackTo",
	actual: "実際の BacktrackTo", difference: "実際 − 要求", status: "状態", requestID: "リクエスト ID",
	dataCheck: "データチェック：", noDataCheck: "データチェックは要求されていません（--data-check none）。", markerWritten: "マーカー行の書き込み",
	markerGone: "バックトラック後にマーカーが消えた", fingerprint: "データのフィンガープリントが一致", markerBack: "前方バックトラック後にマーカーが戻った",
	errorL: "エラー", table: "テーブル", rowsBefore: "行数（前）", rowsAfter: "行数（後）", sumBefore: "チェックサム（前）", sumAfter: "チェックサム（後）",
	production:     "本番自身のウィンドウ（読み取りのみ）：",
	couldRewindFmt: "本番（%s）は %[3]s 時点で %[2]s 時間巻き戻すことができました（ターゲット %[4]s 時間）。",
	measuredAt:     "測定日時", target: "ターゲットウィンドウ", achieved: "実際のウィンドウ（現在時刻 − EarliestBacktrackTime）",
	alertsFmt: "過去 %s の BacktrackWindowAlert", unavailable: "取得できません", time: "日時", message: "メッセージ",
	yes: "はい", no: "いいえ", succeeded: "成功", failed: "失敗", skipped: "スキップ", back: "後方", forward: "前方", colon: "：",
}
