// Downloads a file the server prepared (CSV exports) without leaving the page.
window.rcDownload = (fileName, contentType, text) => {
    const blob = new Blob([text], { type: contentType });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url; a.download = fileName; document.body.appendChild(a); a.click(); a.remove();
    URL.revokeObjectURL(url);
};
