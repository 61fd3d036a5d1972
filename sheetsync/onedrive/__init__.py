"""Excel workbooks in OneDrive for Business and SharePoint, through Microsoft Graph.

The bytes of a workbook are read and patched by the local .xlsx backend, never by this package: a backend imports
no other backend. This one downloads the file into a private temporary folder and asks the dispatcher above both
(`open_file`, given to `source.open`) for the backend of that local file; its reader and its patcher (every
guarantee of the .xlsx path: only the managed parts change, the copy is verified before it is sent) then work on
the temporary file, and this package uploads the result with `If-Match` on the eTag it downloaded. The composition
lives in the dispatcher, so the xlsx code stays where it is and nothing moves into a shared module."""
